using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Azure.Tests;

public sealed class RefreshTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_poll_with_nothing_changed_lists_only_and_raises_no_reload()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a");
        h.Vault.Put("B", "b");
        h.Clock.Fake.Advance(TimeSpan.FromSeconds(1)); // read a second after the writes, so no value is refetched to rule out a same-second write
        var config = h.Build(kv => kv.PollInterval = Poll);
        var provider = Provider(config);
        var reloads = 0;
        config.GetReloadToken().RegisterChangeCallback(_ => reloads++, null);
        var (lists, gets) = (h.Vault.ListCount, h.Vault.GetCount);

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));

        Assert.True(h.Vault.ListCount >= lists + 2, $"polled {h.Vault.ListCount - lists} times");
        Assert.Equal(gets, h.Vault.GetCount);
        Assert.Equal(0, reloads);
        Assert.True(provider.GetHealth().IsHealthy);
    }

    /// <summary>Found by seeded chaos (tests/K8sSecrets.Configuration.Chaos, seed=9 source=azure).</summary>
    [Fact]
    public async Task A_second_write_within_the_second_the_value_was_read_is_fetched_at_the_next_poll()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "one");
        var config = h.Build(kv => kv.PollInterval = Poll); // read within the second of the write

        h.Vault.Put("A", "two"); // the same second: it lists exactly as "one" did (no version, whole seconds)
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(30));

        Assert.Equal("two", config["A"]);
        var gets = h.Vault.Gets("A");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));
        Assert.Equal(gets, h.Vault.Gets("A")); // fetched a second after its update, the value is trusted again
    }

    [Fact]
    public async Task A_new_version_is_the_only_value_fetched_again_and_removed_or_disabled_secrets_drop_their_keys()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a1");
        h.Vault.Put("B", "b");
        h.Vault.Put("C", "c");
        h.Vault.Put("D", "d");
        h.Clock.Fake.Advance(TimeSpan.FromSeconds(1)); // read a second after the writes, so no value is refetched to rule out a same-second write
        var config = h.Build(kv => kv.PollInterval = Poll);
        var changes = new List<SecretsChangedEventArgs>();
        Provider(config).Changed += (_, e) => changes.Add(e);
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        h.Vault.Put("A", "a2");
        h.Vault.Delete("B");
        h.Vault.SetEnabled("C", false);
        h.Vault.Put("E", "e");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(30));

        Assert.Equal("a2", config["A"]);
        Assert.Null(config["B"]);
        Assert.Null(config["C"]);
        Assert.Equal("d", config["D"]);
        Assert.Equal("e", config["E"]);
        Assert.Equal(2, h.Vault.Gets("A"));
        Assert.Equal(1, h.Vault.Gets("D"));
        Assert.Equal(1, h.Vault.Gets("E"));
        Assert.Equal(1, h.Vault.Gets("C"));
        var change = Assert.Single(changes);
        Assert.Equal(["A"], change.Changed);
        Assert.Equal(["E"], change.Added);
        Assert.Equal(["B", "C"], change.Removed.Order());
    }

    [Fact]
    public async Task A_throttled_poll_keeps_the_values_and_the_next_read_waits_the_whole_Retry_After()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a");
        var config = h.Build(kv => kv.PollInterval = Poll);
        var provider = Provider(config);
        h.Vault.Fail("list", new KeyVaultFault(429, """{"error":{"code":"Throttled","message":"SENTINEL-BODY"}}""", RetryAfterSeconds: 120));

        while (provider.GetHealth().ConsecutiveFailures == 0)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(5));
            await h.Clock.WaitUntilIdleAsync();
        }

        var lists = h.Vault.Requests.Count(r => r.IsList);
        Assert.Equal("a", config["A"]);
        Assert.Contains("throttling requests (429 Throttled)", provider.GetHealth().LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", provider.GetHealth().LastError, StringComparison.Ordinal);

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(115), TimeSpan.FromSeconds(5));
        Assert.Equal(lists, h.Vault.Requests.Count(r => r.IsList));

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));
        Assert.Equal(lists + 1, h.Vault.Requests.Count(r => r.IsList));
        Assert.True(provider.GetHealth().IsHealthy);
        Assert.Equal("a", config["A"]);
    }

    [Fact]
    public async Task A_throttled_value_read_stops_the_other_reads_and_the_values_stay()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 10; i++)
        {
            h.Vault.Put($"S{i}", "old");
        }

        var config = h.Build(kv => kv.PollInterval = Poll);
        var provider = Provider(config);
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            h.Vault.Put($"S{i}", "new");
        }

        h.Vault.Fail("S0", new KeyVaultFault(429, "{}", RetryAfterSeconds: 30));
        while (provider.GetHealth().ConsecutiveFailures == 0)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(5));
            await h.Clock.WaitUntilIdleAsync();
        }

        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal("old", config[$"S{i}"]));
        Assert.Contains("waits the 30 s it asked for", provider.GetHealth().LastError, StringComparison.Ordinal);

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(5));
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal("new", config[$"S{i}"]));
        Assert.All(Enumerable.Range(0, 10), i => Assert.InRange(h.Vault.Gets($"S{i}"), 2, 3));
    }

    [Fact]
    public async Task One_secret_that_fails_keeps_its_old_value_while_the_others_update()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a1");
        h.Vault.Put("B", "b1");
        var config = h.Build(kv => kv.PollInterval = Poll);
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));
        h.Vault.Put("A", "a2");
        h.Vault.Put("B", "b2");
        h.Vault.Fail("A", new KeyVaultFault(500, """{"error":{"code":"InternalError","message":"SENTINEL-BODY"}}"""), times: 2);

        for (var step = 0; step < 12 && config["B"] != "b2"; step++)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(10));
            await h.Clock.WaitUntilIdleAsync();
        }

        Assert.Equal("a1", config["A"]);
        var failure = Assert.Single(h.Logs.Records, r => r.Message.Contains("to a read of secret 'A'", StringComparison.Ordinal));
        Assert.Contains("500 InternalError", failure.Message, StringComparison.Ordinal);

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(30));
        Assert.Equal("a2", config["A"]);
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task Invalid_json_in_a_flattened_secret_keeps_its_old_keys_and_never_quotes_the_value()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("Db", """{"host":"db1"}""", contentType: "application/json");
        var config = h.Build(kv =>
        {
            kv.PollInterval = Poll;
            kv.FlattenJson("Db");
        });
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));
        h.Vault.Put("Db", """{"host": SENTINEL-VALUE""", contentType: "application/json");

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(30));

        Assert.Equal("db1", config["Db:host"]);
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("'Db'", StringComparison.Ordinal) && r.Message.Contains("not valid JSON (line 1", StringComparison.Ordinal));
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task The_earliest_expiry_is_exposed_and_an_expired_secret_is_dropped_when_it_expires()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        var start = h.Clock.GetUtcNow();
        h.Vault.Put("Short", "s", expires: start.AddSeconds(90));
        h.Vault.Put("Long", "l", expires: start.AddDays(30));
        h.Vault.Put("Forever", "f");
        var (config, source) = h.BuildWithSource(kv => kv.PollInterval = TimeSpan.FromMinutes(10));

        Assert.Equal(start.AddSeconds(90), source.EarliestExpiry);
        Assert.Equal("s", config["Short"]);

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10));

        Assert.Null(config["Short"]);
        Assert.Equal("l", config["Long"]);
        Assert.Equal(start.AddDays(30), source.EarliestExpiry);
    }

    [Fact]
    public async Task A_throttled_first_load_waits_the_Retry_After_instead_of_failing_the_build()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a");
        h.Vault.Fail("list", new KeyVaultFault(429, "{}", RetryAfterSeconds: 5));

        var building = Task.Run(() => h.Build());
        await h.Clock.WaitUntilIdleAsync();
        Assert.False(building.IsCompleted);
        h.Clock.Fake.Advance(TimeSpan.FromSeconds(4));
        await h.Clock.WaitUntilIdleAsync();
        Assert.False(building.IsCompleted);
        // The wait is the Retry-After plus up to MinRetryDelay (1 s) at random, so that pods told the same time spread.
        h.Clock.Fake.Advance(TimeSpan.FromSeconds(2));
        var config = await building.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("a", config["A"]);
        Assert.Contains(h.Logs.Records, r => r.Id.Name == "StartupThrottled");
    }

    [Fact]
    public async Task A_Retry_After_longer_than_MaxRetryAfter_is_cut_to_it_and_the_message_says_so()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a");
        using var config = (ConfigurationRoot)new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.MaxRetryAfter = TimeSpan.FromSeconds(30);
            h.Configure(secrets, kv => kv.PollInterval = Poll);
        }).Build();
        var provider = Provider(config);
        h.Vault.Fail("list", new KeyVaultFault(429, "{}", RetryAfterSeconds: 600));

        while (provider.GetHealth().ConsecutiveFailures == 0)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(5));
            await h.Clock.WaitUntilIdleAsync();
        }

        var lists = h.Vault.ListCount;
        Assert.Contains("it asked for 600 s, the next read waits 30 s (MaxRetryAfter)", provider.GetHealth().LastError, StringComparison.Ordinal);
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5));
        Assert.True(h.Vault.ListCount > lists);
        Assert.Equal("a", config["A"]);
    }

    [Fact]
    public async Task A_throttled_first_load_waits_no_longer_than_MaxRetryAfter()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a");
        h.Vault.Fail("list", new KeyVaultFault(429, "{}", RetryAfterSeconds: 25));

        var building = Task.Run(() => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.MaxRetryAfter = TimeSpan.FromSeconds(2);
            h.Configure(secrets);
        }).Build());
        await h.Clock.WaitUntilIdleAsync();
        Assert.False(building.IsCompleted);
        h.Clock.Fake.Advance(TimeSpan.FromSeconds(3)); // MaxRetryAfter (2 s) plus up to MinRetryDelay (1 s) of spread.
        using var config = (ConfigurationRoot)await building.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("a", config["A"]);
        Assert.Contains(h.Logs.Records, r => r.Id.Name == "StartupThrottled");
    }

    private static SecretsConfigurationProvider Provider(IConfigurationRoot config)
        => config.Providers.OfType<SecretsConfigurationProvider>().Single();
}
