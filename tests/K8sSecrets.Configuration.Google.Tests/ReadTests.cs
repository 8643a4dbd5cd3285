using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class ReadTests
{
    [Fact]
    public async Task Named_secrets_load_as_one_key_a_chosen_key_or_a_flattened_JSON_object_with_a_Workload_Identity_token()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-password", "s3cret\n");
        h.Store.AddVersion("db-config", """{"host":"old"}""");
        h.Store.AddVersion("db-config", """{"host":"db.internal","port":5432,"replicas":["a","b"]}""");
        h.Store.AddVersion("db-config", """{"host":"newer"}""");
        h.Store.AddVersion("feature--flags", "on");
        h.Store.AddVersion("api-key", "v1");
        h.Store.AddVersion("api-key", "v2");
        h.Store.SetAlias("api-key", "stable", 1);

        var config = h.Build(gcp =>
        {
            gcp.Secret("db-password", key: "Database:Password");
            gcp.Secret("db-config", section: "Database", version: "2");
            gcp.Secret("feature--flags");
            gcp.Secret("api-key", key: "Api:Key", version: "stable");
        });

        Assert.Equal("s3cret", config["Database:Password"]);
        Assert.Equal("db.internal", config["Database:host"]);
        Assert.Equal("5432", config["Database:port"]);
        Assert.Equal("b", config["Database:replicas:1"]);
        Assert.Equal("on", config["feature:flags"]);
        Assert.Equal("v1", config["Api:Key"]);
        Assert.True(h.Metadata.TokenRequests >= 1);
        Assert.Equal(0, h.Metadata.RequestsWithoutFlavor);
        Assert.All(h.Store.Requests, r => Assert.StartsWith("ya29.", r.Token, StringComparison.Ordinal));
        Assert.Contains(h.Store.Requests, r => r.Kind == "access" && r.Path.EndsWith("/secrets/api-key/versions/stable:access", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Secrets_with_a_label_are_listed_across_pages_and_published_under_their_names()
    {
        await using var h = await GoogleHarness.StartAsync();
        foreach (var (name, value) in new[] { ("api--key", "k"), ("smtp__password", "p"), ("plain", "x"), ("other", "o"), ("unlabelled", "u") })
        {
            h.Store.AddVersion(name, value);
        }

        foreach (var name in new[] { "api--key", "smtp__password", "plain" })
        {
            h.Store.SetLabel(name, "app", "payments");
        }

        h.Store.SetLabel("other", "app", "billing");
        var config = h.Build(gcp => gcp.SecretsWithLabel("app", "payments", section: "Payments"));

        Assert.Equal("k", config["Payments:api:key"]);
        Assert.Equal("p", config["Payments:smtp:password"]);
        Assert.Equal("x", config["Payments:plain"]);
        Assert.Null(config["Payments:other"]);
        Assert.Null(config["Payments:unlabelled"]);
        Assert.Equal(2, h.Store.Count("list"));
        Assert.All(h.Store.Requests.Where(r => r.Kind == "list"), r => Assert.Contains("filter=labels.app%3Dpayments", r.Query, StringComparison.Ordinal));

        // A secret that loses the label disappears at the next poll; one that gains it appears.
        h.Store.RemoveLabel("plain", "app");
        h.Store.SetLabel("other", "app", "payments");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["Payments:other"] == "o", "the newly labelled secret appears");
        Assert.Null(config["Payments:plain"]);
    }

    [Fact]
    public async Task A_poll_with_nothing_changed_reads_no_metadata_and_does_not_reload_and_a_new_version_reloads_once()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-password", "one");
        h.Store.AddVersion("api-key", "k");
        var config = h.Build(gcp =>
        {
            gcp.PollInterval = TimeSpan.FromMinutes(1);
            gcp.ReadExpireTime = true;
            gcp.Secret("db-password", key: "Db:Password");
            gcp.Secret("api-key");
        });
        var changes = 0;
        GoogleHarness.Provider(config).Changed += (_, _) => Interlocked.Increment(ref changes);
        var accessBefore = h.Store.Count("access");
        var secretReads = h.Store.Count("secret");

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(1));

        Assert.True(h.Store.Count("access") >= accessBefore + 4, "every poll accesses each secret");
        Assert.Equal(0, h.Store.Count("version"));
        Assert.Equal(secretReads, h.Store.Count("secret"));
        Assert.Equal(0, changes);

        // The new version's expiry is read once, with it.
        h.Store.AddVersion("db-password", "two");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Testing.Eventually.HoldsAsync(() => config["Db:Password"] == "two", "the new version is published");
        await h.Clock.WaitUntilIdleAsync();

        Assert.Equal(secretReads + 1, h.Store.Count("secret"));
        Assert.Equal(1, changes);
    }

    [Fact]
    public async Task Without_metadata_permission_secrets_load_and_changes_are_found_by_reading_the_payload()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.MetadataDenied = true;
        h.Store.AddVersion("db-password", "one");
        var config = h.Build(gcp => { gcp.ReadExpireTime = true; gcp.Secret("db-password", key: "Db:Password"); });
        var changes = 0;
        GoogleHarness.Provider(config).Changed += (_, _) => Interlocked.Increment(ref changes);

        Assert.Equal("one", config["Db:Password"]);
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await h.Clock.WaitUntilIdleAsync();
        Assert.Equal(0, changes);

        h.Store.AddVersion("db-password", "two");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["Db:Password"] == "two", "the new version is published");
        Assert.Equal(0, h.Store.Count("version"));
        Assert.Contains(h.Logs.Records, r => r.Id.Name == "GoogleExpiryUnknown");
    }

    [Fact]
    public async Task A_checksum_mismatch_keeps_the_old_value_and_the_next_good_read_publishes()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-password", "one");
        h.Store.AddVersion("api-key", "k1");
        var config = h.Build(gcp => gcp.Secret("db-password", key: "Db:Password").Secret("api-key"));

        h.Store.AddVersion("db-password", "two");
        h.Store.AddVersion("api-key", "k2");
        h.Store.CorruptCrc.Add("db-password");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["api-key"] == "k2", "the other secret updates");
        Assert.Equal("one", config["Db:Password"]);
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("CRC32C", StringComparison.Ordinal) && r.Message.Contains("db-password", StringComparison.Ordinal));

        h.Store.CorruptCrc.Clear();
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["Db:Password"] == "two", "the good read publishes");
    }

    [Fact]
    public async Task A_checksum_mismatch_at_start_fails_a_required_source()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-password", "SENTINEL-VALUE");
        h.Store.CorruptCrc.Add("db-password");

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp => gcp.Secret("db-password")));

        Assert.Contains("CRC32C", error.Message, StringComparison.Ordinal);
        Assert.Contains("'db-password'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payload_without_dataCrc32c_is_refused_like_a_mismatch_keeping_the_last_good_value_and_naming_the_version()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-password", "SENTINEL-ONE");
        h.Store.AddVersion("api-key", "k1");
        var config = h.Build(gcp => gcp.Secret("db-password", key: "Db:Password").Secret("api-key"));

        h.Store.AddVersion("db-password", "SENTINEL-TWO");
        h.Store.AddVersion("api-key", "k2");
        h.Store.OmitCrc.Add("db-password");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["api-key"] == "k2", "the other secret updates");
        await Testing.Eventually.HoldsAsync(() => h.Logs.Records.Any(r => r.Id.Name == "KeyFailed"), "the refusal is logged");

        Assert.Equal("SENTINEL-ONE", config["Db:Password"]);
        Assert.Contains(
            "The payload of version 2 of Google secret 'db-password' came without its CRC32C checksum (dataCrc32c), so it cannot be checked; the last good value stays.",
            h.Logs.AllText(),
            StringComparison.Ordinal);
        h.Logs.AssertNoSentinel("SENTINEL");

        // Like a mismatch, it is retried alone, and a checked answer publishes.
        h.Store.OmitCrc.Clear();
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["Db:Password"] == "SENTINEL-TWO", "the checked read publishes");
    }

    [Fact]
    public async Task A_payload_without_dataCrc32c_at_start_fails_a_required_source()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-password", "SENTINEL-VALUE");
        h.Store.OmitCrc.Add("db-password");

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp => gcp.Secret("db-password")));

        Assert.Contains("version 1 of Google secret 'db-password' came without its CRC32C checksum", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_and_destroyed_versions_are_reported_by_name_and_keep_the_last_good_value()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-password", "one");
        h.Store.AddVersion("pinned", "p");
        var config = h.Build(gcp => gcp.Secret("db-password", key: "Db:Password").Secret("pinned", key: "Pinned", version: "1"));

        h.Store.AddVersion("db-password", "two");
        h.Store.SetState("db-password", 2, "DISABLED");
        h.Store.SetState("pinned", 1, "DESTROYED");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => h.Logs.Records.Count(r => r.Id.Name == "KeyFailed") >= 2, "both failures are logged");
        await h.Clock.WaitUntilIdleAsync();

        var text = h.Logs.AllText();
        Assert.Contains("400 FAILED_PRECONDITION (the version is disabled or destroyed) for secret 'db-password' (latest version)", text, StringComparison.Ordinal);
        Assert.Contains("400 FAILED_PRECONDITION (the version is disabled or destroyed) for secret 'pinned' (version 1)", text, StringComparison.Ordinal);
        Assert.Equal("one", config["Db:Password"]);
        Assert.Equal("p", config["Pinned"]);
    }

    [Fact]
    public async Task An_empty_payload_and_non_UTF8_bytes_go_through_the_shared_byte_policy()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("empty", []);
        h.Store.AddVersion("binary", [0xff, 0xfe, 0x00, 0x01]);
        var config = h.Build(gcp => gcp.Secret("empty").Secret("binary"));

        Assert.Equal(string.Empty, config["empty"]);
        Assert.Equal(Convert.ToBase64String(new byte[] { 0xff, 0xfe, 0x00, 0x01 }), config["binary"]);
    }

    [Fact]
    public async Task Access_calls_run_in_parallel_but_never_above_the_limit()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.Latency = TimeSpan.FromMilliseconds(20);
        for (var i = 0; i < 30; i++)
        {
            h.Store.AddVersion($"s{i}", $"v{i}");
        }

        var config = h.Build(gcp =>
        {
            gcp.MaxConcurrentRequests = 4;
            for (var i = 0; i < 30; i++)
            {
                gcp.Secret($"s{i}");
            }
        });

        Assert.Equal("v29", config["s29"]);
        Assert.InRange(h.Store.MaxInFlight, 2, 4);
    }

    [Fact]
    public async Task The_project_comes_from_the_metadata_server_when_not_set()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-password", "one");
        var config = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.TimeProvider = h.Clock;
            secrets.FromGoogleSecretManager(gcp =>
            {
                gcp.Credential = h.WorkloadIdentity();
                gcp.Endpoint = h.Store.Address;
                gcp.Secret("db-password");
            });
        }).Build();
        using var disposable = (IDisposable)config;

        Assert.Equal("one", config["db-password"]);
        Assert.All(h.Store.Requests, r => Assert.StartsWith("/v1/projects/payments-prod/", r.Path, StringComparison.Ordinal));
    }
}
