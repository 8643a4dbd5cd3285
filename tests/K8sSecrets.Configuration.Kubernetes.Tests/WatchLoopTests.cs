using K8sSecrets.Configuration.Testing;
using static K8sSecrets.Configuration.Kubernetes.Tests.ApiHarness;

namespace K8sSecrets.Configuration.Kubernetes.Tests;

/// <summary>The informer loop against a fake API server, through the real KubernetesClient and IConfiguration.</summary>
public sealed class WatchLoopTests
{
    [Fact]
    public async Task Named_secret_is_listed_and_watched_with_its_own_field_selector()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("ConnectionStrings__Db", "Server=db;Password=" + Sentinel), ("user", "admin\n"));
        h.Server.Put(Ns, "unrelated", ("other", "x"));
        var config = h.Build(o => o.SecretNames.Add("db"));

        Assert.Equal("Server=db;Password=" + Sentinel, config["ConnectionStrings:Db"]);
        Assert.Equal("admin", config["user"]);
        Assert.Null(config["other"]);
        await h.WatchingAsync();
        Assert.All(h.Server.Requests, r =>
        {
            Assert.Equal($"/api/v1/namespaces/{Ns}/secrets", r.Path);
            Assert.Equal("metadata.name=db", r.FieldSelector);
            Assert.Null(r.LabelSelector);
        });
        var watch = h.Server.Watches.First();
        Assert.Equal("true", watch.Query["allowWatchBookmarks"]);
        Assert.True(int.Parse(watch.Query["timeoutSeconds"]) is > 0 and <= 300);
        Assert.Single(h.Server.Lists);
    }

    [Fact]
    public async Task Modified_event_is_published_once()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var config = h.Build(o => o.SecretNames.Add("db"));
        await h.WatchingAsync();

        h.Server.Put(Ns, "db", ("password", Sentinel));

        await Eventually.HoldsAsync(() => config["password"] == Sentinel && h.Changes >= 1, "the MODIFIED value is visible");
        Assert.Equal(1, h.Changes);
        Assert.Single(h.Server.Lists);
    }

    [Fact]
    public async Task Deleted_secret_loses_its_keys_and_comes_back_when_recreated()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", Sentinel));
        h.Server.Put(Ns, "api", ("key", "k1"));
        var config = h.Build(o =>
        {
            o.SecretNames.Add("db");
            o.SecretNames.Add("api");
        });
        await h.WatchingAsync(2);

        h.Server.Delete(Ns, "db");
        await Eventually.HoldsAsync(() => config["password"] is null, "the deleted Secret's key is gone");
        Assert.Equal("k1", config["key"]);

        h.Server.Put(Ns, "db", ("password", "recreated"));
        await Eventually.HoldsAsync(() => config["password"] == "recreated" && h.Changes >= 2, "the recreated Secret is back");
        Assert.Equal(2, h.Changes);
    }

    [Fact]
    public async Task KeepKeysOnDelete_keeps_the_last_values()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "kept"));
        h.Server.Put(Ns, "api", ("key", "k1"));
        var config = h.Build(o =>
        {
            o.SecretNames.Add("db");
            o.SecretNames.Add("api");
            o.KeepKeysOnDelete = true;
        });
        await h.WatchingAsync(2);

        h.Server.Delete(Ns, "db");
        h.Server.Put(Ns, "api", ("key", "k2")); // a later change proves the delete was processed
        await Eventually.HoldsAsync(() => config["key"] == "k2" && h.Changes >= 1, "the later change is visible");
        Assert.Equal("kept", config["password"]);
        Assert.Equal(1, h.Changes);
    }

    [Fact]
    public async Task Bookmark_only_advances_the_resource_version()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var config = h.Build(o => o.SecretNames.Add("db"));
        await h.WatchingAsync();

        h.Server.Put(Ns, "someone-else", ("x", "y")); // moves the global resourceVersion past ours
        var bookmark = h.Server.Bookmark();
        h.Server.EndWatches();

        await h.WatchingAsync(2);
        Assert.Equal(bookmark, h.Server.Watches.Last().ResourceVersion);
        Assert.Single(h.Server.Lists);
        Assert.Equal(0, h.Changes);
        Assert.Equal("one", config["password"]);
    }

    [Fact]
    public async Task In_stream_410_lists_again_and_catches_up()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var config = h.Build(o => o.SecretNames.Add("db"));
        await h.WatchingAsync();

        using (h.Server.HoldEvents())
        {
            h.Server.Put(Ns, "db", ("password", "missed-by-the-watch"));
        }

        h.Server.Compact();
        h.Server.EndWatches(); // the resumed watch now gets an ERROR event with code 410

        await Eventually.HoldsAsync(() => config["password"] == "missed-by-the-watch", "the relist caught up");
        Assert.Equal(2, h.Server.Lists.Count());
        await h.WatchingAsync(3);
        Assert.Equal(h.Server.CurrentResourceVersion, h.Server.Watches.Last().ResourceVersion);
    }

    [Fact]
    public async Task Http_410_on_the_watch_request_lists_again()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var config = h.Build(o => o.SecretNames.Add("db"));
        await h.WatchingAsync();

        h.Server.WatchFaults.Enqueue(FakeKubeApi.Status(410, "Expired", "The resourceVersion for the provided watch is too old. " + Sentinel));
        using (h.Server.HoldEvents())
        {
            h.Server.Put(Ns, "db", ("password", "two"));
        }

        h.Server.EndWatches();
        await Eventually.HoldsAsync(() => config["password"] == "two", "the relist after HTTP 410 caught up");
        Assert.Equal(2, h.Server.Lists.Count());
        Assert.True(h.Provider.GetHealth().IsHealthy);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_watch_that_ends_cleanly_or_drops_resumes_from_the_last_resource_version(bool drop)
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var config = h.Build(o => o.SecretNames.Add("db"));
        await h.WatchingAsync();
        var rv = h.Server.Put(Ns, "db", ("password", "two"));
        await Eventually.HoldsAsync(() => config["password"] == "two", "the change is visible");

        if (drop)
        {
            h.Server.DropWatches();
        }
        else
        {
            h.Server.EndWatches();
        }

        await h.WatchingAsync(2);
        Assert.Equal(rv, h.Server.Watches.Last().ResourceVersion);
        Assert.Single(h.Server.Lists);
        h.Server.Put(Ns, "db", ("password", "three"));
        await Eventually.HoldsAsync(() => config["password"] == "three", "the renewed watch delivers");
    }

    [Fact]
    public async Task Empty_watch_stream_is_a_normal_end()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        h.Server.WatchFaults.Enqueue(FakeKubeApi.EmptyWatch());
        h.Server.WatchFaults.Enqueue(FakeKubeApi.EmptyWatch());
        var config = h.Build(o => o.SecretNames.Add("db"));

        await h.WatchingAsync(3);
        Assert.Single(h.Server.Lists);
        Assert.True(h.Provider.GetHealth().IsHealthy);
        Assert.DoesNotContain(h.Logs.Records, r => r.Id.Id == 304);
        h.Server.Put(Ns, "db", ("password", "two"));
        await Eventually.HoldsAsync(() => config["password"] == "two", "the third watch delivers");
    }

    [Fact]
    public async Task Malformed_first_line_is_a_failed_attempt_that_backs_off_and_recovers()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        for (var i = 0; i < 3; i++)
        {
            h.Server.WatchFaults.Enqueue(FakeKubeApi.GarbageWatch("<html>" + Sentinel + "</html>"));
        }

        var config = h.Build(o => o.SecretNames.Add("db"));

        await Eventually.HoldsAsync(() => h.Provider.GetHealth().LastError is not null, "the failure streak shows in health");
        Assert.Contains("failed", h.Provider.GetHealth().LastError);
        Assert.Contains(h.Logs.Records, r => r.Id.Id == 2); // the engine logged the failed refresh
        Assert.Equal("one", config["password"]);
        await h.WatchingAsync(4);
        h.Server.Put(Ns, "db", ("password", "two"));
        await Eventually.HoldsAsync(() => config["password"] == "two", "the watch recovered");
        await Eventually.HoldsAsync(() => h.Provider.GetHealth().IsHealthy, "health recovered");
        await Eventually.HoldsAsync(() => h.Logs.Records.Any(r => r.Id.Id == 4), "the end of the streak is logged once");
    }

    [Fact]
    public async Task Malformed_line_in_the_middle_of_a_stream_is_skipped()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var config = h.Build(o => o.SecretNames.Add("db"));
        await h.WatchingAsync();
        h.Server.Bookmark(); // a first line, so the stream is open

        h.Server.SendRaw("{\"type\":\"MODIFIED\",\"object\":" + Sentinel);
        h.Server.Put(Ns, "db", ("password", "two"));

        await Eventually.HoldsAsync(() => config["password"] == "two", "the event after the bad line applies");
        Assert.Contains(h.Logs.Records, r => r.Id.Id == 306);
        Assert.Single(h.Server.Watches);
    }

    [Fact]
    public async Task Duplicate_and_labels_only_events_fire_no_change()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var config = h.Build(o => o.SecretNames.Add("db"));
        await h.WatchingAsync();
        var reloads = 0;
        using var registration = Microsoft.Extensions.Primitives.ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));

        h.Server.Relabel(Ns, "db", new Dictionary<string, string> { ["team"] = "payments" });
        h.Server.SendRaw(h.Server.EventLine("MODIFIED", Ns, "db"));
        h.Server.SendRaw(h.Server.EventLine("MODIFIED", Ns, "db"));
        h.Server.Put(Ns, "db", ("password", "two"));

        await Eventually.HoldsAsync(() => config["password"] == "two" && h.Changes >= 1 && Volatile.Read(ref reloads) >= 1, "the real change is visible");
        Assert.Equal(1, h.Changes);
        Assert.Equal(1, Volatile.Read(ref reloads));
    }

    [Fact]
    public async Task Silent_watch_is_dropped_by_the_watchdog_and_resumed()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        h.Server.SilenceNextWatches(1);
        var config = h.Build(o =>
        {
            o.SecretNames.Add("db");
            o.WatchIdleTimeout = TimeSpan.FromMilliseconds(300);
        });
        await h.WatchingAsync();
        h.Server.Put(Ns, "db", ("password", "two")); // the silent watch never delivers it

        await Eventually.HoldsAsync(() => config["password"] == "two", "the watchdog reconnected and the new watch caught up");
        Assert.True(h.Server.Watches.Count() >= 2);
        Assert.Single(h.Server.Lists);
        Assert.Contains(h.Logs.Records, r => r.Id.Id == 305);
    }

    [Fact]
    public async Task Server_errors_show_in_health_keep_last_values_and_recover()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", Sentinel));
        var config = h.Build(o => o.SecretNames.Add("db"));
        await h.WatchingAsync();
        for (var i = 0; i < 4; i++)
        {
            h.Server.WatchFaults.Enqueue(FakeKubeApi.Status(500, "InternalError", "etcd is sad: " + Sentinel));
        }

        h.Server.EndWatches();

        await Eventually.HoldsAsync(() => h.Provider.GetHealth().LastError is not null, "the failure shows in health");
        var health = h.Provider.GetHealth();
        Assert.Contains("HTTP 500", health.LastError);
        Assert.DoesNotContain(Sentinel, health.LastError);
        Assert.Equal(Sentinel, config["password"]);
        h.Server.Put(Ns, "db", ("password", "after-outage"));
        await Eventually.HoldsAsync(() => config["password"] == "after-outage", "the watch recovered");
        await Eventually.HoldsAsync(() => h.Provider.GetHealth().IsHealthy, "health recovered");
    }

    [Fact]
    public async Task Immutable_secret_is_read_once_and_not_watched()
    {
        await using var h = await StartAsync();
        h.Server.Put(Ns, "frozen", new Dictionary<string, byte[]> { ["cert"] = "pem"u8.ToArray() }, immutable: true);
        h.Server.Put(Ns, "live", ("key", "k1"));
        var config = h.Build(o =>
        {
            o.SecretNames.Add("frozen");
            o.SecretNames.Add("live");
        });
        await h.WatchingAsync(where: r => r.FieldSelector == "metadata.name=live");
        h.Server.Put(Ns, "live", ("key", "k2"));
        await Eventually.HoldsAsync(() => config["key"] == "k2", "the mutable Secret is watched");

        Assert.Equal("pem", config["cert"]);
        Assert.DoesNotContain(h.Server.Watches, r => r.FieldSelector == "metadata.name=frozen");
        Assert.Single(h.Server.Lists, r => r.FieldSelector == "metadata.name=frozen");
        Assert.Contains(h.Logs.Records, r => r.Id.Id == 307);
    }

    [Fact]
    public async Task Label_selector_lists_the_namespace_and_follows_matching_secrets()
    {
        await using var h = await StartAsync();
        var payments = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "payments" };
        h.Server.Put(Ns, "a", new Dictionary<string, byte[]> { ["A__Key"] = "a1"u8.ToArray() }, payments);
        h.Server.Put(Ns, "b", new Dictionary<string, byte[]> { ["B__Key"] = "b1"u8.ToArray() }, payments);
        h.Server.Put(Ns, "c", new Dictionary<string, byte[]> { ["C__Key"] = "c1"u8.ToArray() });
        var config = h.Build(o =>
        {
            o.LabelSelector = "app.kubernetes.io/part-of=payments";
            o.Section = "Shared";
        });

        Assert.Equal("a1", config["Shared:A:Key"]);
        Assert.Equal("b1", config["Shared:B:Key"]);
        Assert.Null(config["Shared:C:Key"]);
        await h.WatchingAsync();
        Assert.All(h.Server.Requests, r =>
        {
            Assert.Null(r.FieldSelector);
            Assert.Equal("app.kubernetes.io/part-of=payments", r.LabelSelector);
        });

        h.Server.Relabel(Ns, "c", payments);          // starts matching: ADDED
        await Eventually.HoldsAsync(() => config["Shared:C:Key"] == "c1", "a Secret that starts matching is added");
        h.Server.Relabel(Ns, "a", new Dictionary<string, string>()); // stops matching: DELETED
        await Eventually.HoldsAsync(() => config["Shared:A:Key"] is null, "a Secret that stops matching is removed");
        Assert.Equal("b1", config["Shared:B:Key"]);
    }

    [Fact]
    public async Task Disposing_the_configuration_stops_the_watch_loop()
    {
        var h = await StartAsync();
        h.Server.Put(Ns, "db", ("password", "one"));
        var source = h.BuildSource(o => o.SecretNames.Add("db"));
        await h.WatchingAsync();
        var requests = h.Server.Requests.Count;

        ((IDisposable)h.Config).Dispose();

        Assert.True(source.Completion.IsCompleted);
        await Eventually.HoldsAsync(() => h.Server.ActiveWatches == 0, "the server sees the watch closed");
        h.Server.Put(Ns, "db", ("password", "two"));
        Assert.Equal(requests, h.Server.Requests.Count);
        await h.DisposeAsync();
    }
}
