using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Primitives;

namespace K8sSecrets.Configuration.Tests;

[Collection("engine")]
public sealed class RefreshEngineTests
{
    [Fact]
    public async Task A_real_change_raises_exactly_one_reload_and_an_identical_read_none()
    {
        var source = new FakeSecretSource();
        source.Set(("Db__Password", "one"), ("Api/Key", "k"));
        using var harness = new EngineHarness(source);
        Assert.Equal("one", harness.Root["Db:Password"]);
        Assert.Equal("k", harness.Root["Api:Key"]);
        await Task.Yield();

        source.Change(("Db__Password", "two"), ("Api/Key", "k"));
        await Eventually.HoldsAsync(() => harness.Root["Db:Password"] == "two" && harness.Reloads == 1, "the change is published");

        var loads = source.Loads;
        source.Change(("Db__Password", "two"), ("Api/Key", "k"));
        await Eventually.HoldsAsync(() => source.Loads > loads, "the identical snapshot was read");
        Assert.True(await harness.Provider.RefreshAsync(CancellationToken.None));
        Assert.Equal(1, harness.Reloads);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_last_good_values_and_retries_with_backoff()
    {
        var source = new FakeSecretSource();
        source.Set(("Key", "good"));
        using var harness = new EngineHarness(source, s => s.MinRetryDelay = TimeSpan.FromSeconds(10));
        await Task.Yield();

        source.Fail(new SecretSourceException("store unreachable"));
        source.Signals!.RequestRefresh();
        await Eventually.HoldsAsync(() => harness.Provider.GetHealth().ConsecutiveFailures == 1, "the failure is recorded");
        Assert.Equal("good", harness.Root["Key"]);
        Assert.Equal(0, harness.Reloads);
        Assert.Equal("store unreachable", harness.Provider.GetHealth().LastError);
        Assert.Contains(harness.Logs.Records, r => r.Id.Name == "RefreshFailed" && r.Message.Contains("store unreachable", StringComparison.Ordinal));

        var failedLoads = source.Loads;
        harness.Time.Advance(TimeSpan.FromSeconds(4)); // below the jittered minimum of 5 s
        await Task.Delay(100);
        Assert.Equal(failedLoads, source.Loads);

        source.Set(("Key", "new"));
        await harness.AdvanceUntilAsync(() => harness.Root["Key"] == "new", TimeSpan.FromSeconds(1), "the retry publishes the recovered value");
        Assert.True(harness.Provider.GetHealth().IsHealthy);
        await Eventually.HoldsAsync(() => harness.Reloads == 1, "one reload is raised");
        Assert.Contains(harness.Logs.Records, r => r.Id.Name == "Recovered");
    }

    [Fact]
    public async Task Retry_after_is_never_cut_short_by_the_backoff()
    {
        var source = new FakeSecretSource();
        source.Set(("Key", "v"));
        using var harness = new EngineHarness(source, s => s.MinRetryDelay = TimeSpan.FromMilliseconds(100));
        await Task.Yield();

        source.Fail(new SecretSourceException("throttled") { RetryAfter = TimeSpan.FromSeconds(30) });
        source.Signals!.RequestRefresh();
        await Eventually.HoldsAsync(() => harness.Provider.GetHealth().ConsecutiveFailures == 1, "the failure is recorded");
        var loads = source.Loads;
        for (var i = 0; i < 29; i++)
        {
            harness.Time.Advance(TimeSpan.FromSeconds(1));
        }

        await Task.Delay(100);
        Assert.Equal(loads, source.Loads);
        await harness.AdvanceUntilAsync(() => source.Loads > loads, TimeSpan.FromSeconds(1), "the retry happens after Retry-After");
    }

    [Fact]
    public async Task A_failed_name_keeps_its_published_keys_while_others_change()
    {
        var source = new FakeSecretSource();
        source.Set(("db/user", "u1"), ("db/pass", "p1"), ("api", "a1"));
        using var harness = new EngineHarness(source);
        await Task.Yield();

        source.Set(("api", "a2"));
        source.SetFailures(("db", "path unreadable"));
        source.Signals!.RequestRefresh();
        await Eventually.HoldsAsync(() => harness.Root["api"] == "a2", "the good part is published");
        Assert.Equal("u1", harness.Root["db:user"]);
        Assert.Equal("p1", harness.Root["db:pass"]);
        Assert.Contains("path unreadable", harness.Provider.GetHealth().LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_throwing_change_callback_does_not_stop_the_engine()
    {
        var source = new FakeSecretSource();
        source.Set(("Key", "1"));
        using var harness = new EngineHarness(source);
        using var bad = ChangeToken.OnChange(harness.Root.GetReloadToken, () => throw new InvalidOperationException("consumer bug"));
        harness.Provider.Changed += (_, _) => throw new InvalidOperationException("consumer bug 2");

        source.Change(("Key", "2"));
        await Eventually.HoldsAsync(() => harness.Root["Key"] == "2", "the first change is published");
        source.Change(("Key", "3"));
        await Eventually.HoldsAsync(() => harness.Root["Key"] == "3", "the engine survived the throwing callback");
        await Eventually.HoldsAsync(() => harness.Reloads == 2, "both changes raised a reload");
        Assert.Contains(harness.Logs.Records, r => r.Id.Name == "CallbackFailed");
    }

    [Fact]
    public async Task Changed_event_names_the_keys_and_never_the_values()
    {
        var source = new FakeSecretSource();
        source.Set(("a", "1"), ("b", "2"));
        using var harness = new EngineHarness(source);
        var seen = new TaskCompletionSource<SecretsChangedEventArgs>();
        harness.Provider.Changed += (_, e) => seen.TrySetResult(e);

        source.Change(("a", "1"), ("b", "changed"), ("c", "3"));
        var change = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["c"], change.Added);
        Assert.Equal(["b"], change.Changed);
        Assert.Empty(change.Removed);

        seen = new TaskCompletionSource<SecretsChangedEventArgs>();
        source.Change(("b", "changed"), ("c", "3"));
        Assert.Equal(["a"], (await seen.Task.WaitAsync(TimeSpan.FromSeconds(10))).Removed);
    }

    [Fact]
    public async Task Polling_sources_are_read_on_their_interval_through_the_time_provider()
    {
        var source = new FakeSecretSource { Poll = TimeSpan.FromMinutes(5) };
        source.Set(("Key", "1"));
        using var harness = new EngineHarness(source);
        await Task.Yield();
        source.Set(("Key", "2"));
        await Task.Delay(100);
        Assert.Equal("1", harness.Root["Key"]);

        await harness.AdvanceUntilAsync(() => harness.Root["Key"] == "2", TimeSpan.FromMinutes(1), "the poll picks up the value");
    }

    [Fact]
    public void A_required_source_that_fails_its_first_load_throws_and_is_released()
    {
        var source = new FakeSecretSource();
        source.Fail(new SecretSourceException("Vault at 'x' is sealed"));
        var error = Assert.Throws<SecretSourceException>(
            () => new ConfigurationBuilder().AddKubernetesSecrets(s => s.AddSource(_ => source)).Build());
        Assert.Equal("fake 'test-source': Vault at 'x' is sealed", error.Message); // Build() names the source that failed
        Assert.True(source.Disposed);
    }

    [Fact]
    public void A_foreign_exception_on_first_load_is_wrapped_without_its_message()
    {
        var source = new FakeSecretSource();
        source.Fail(new InvalidOperationException("body: hunter2"));
        var error = Assert.Throws<SecretSourceException>(
            () => new ConfigurationBuilder().AddKubernetesSecrets(s => s.AddSource(_ => source)).Build());
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Contains("fake 'test-source'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_optional_source_starts_empty_and_publishes_once_it_can_be_read()
    {
        var source = new FakeSecretSource(new FakeSecretSource.Settings { Optional = true });
        source.Fail(new SecretSourceException("not there yet"));
        using var harness = new EngineHarness(source);
        Assert.Null(harness.Root["Key"]);
        Assert.False(harness.Provider.GetHealth().IsHealthy);

        source.Set(("Key", "arrived"));
        await harness.AdvanceUntilAsync(() => harness.Root["Key"] == "arrived" && harness.Reloads == 1, TimeSpan.FromSeconds(1), "the retry loads the source");
    }

    [Fact]
    public async Task Dispose_stops_the_loop_and_releases_the_source()
    {
        var source = new FakeSecretSource { Poll = TimeSpan.FromSeconds(1) };
        source.Set(("Key", "1"));
        var harness = new EngineHarness(source);
        var provider = harness.Provider;
        harness.Dispose();

        Assert.True(provider.Completion.IsCompleted);
        Assert.True(source.Disposed);
        var loads = source.Loads;
        source.Change(("Key", "2"));
        harness.Time.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(100);
        Assert.Equal(loads, source.Loads);
    }

    [Fact]
    public async Task Metrics_count_refreshes_failures_and_changes_by_source()
    {
        var source = new FakeSecretSource();
        source.Set(("Key", "1"));
        using var refreshes = new MetricCollector<long>(null, SecretsTelemetry.MeterName, "k8ssecrets.refreshes");
        using var failures = new MetricCollector<long>(null, SecretsTelemetry.MeterName, "k8ssecrets.refresh.failures");
        using var changes = new MetricCollector<long>(null, SecretsTelemetry.MeterName, "k8ssecrets.changes");
        using var harness = new EngineHarness(source);

        source.Change(("Key", "2"));
        await Eventually.HoldsAsync(() => harness.Root["Key"] == "2", "the change is published");
        source.Fail(new SecretSourceException("down"));
        source.Signals!.RequestRefresh();
        await Eventually.HoldsAsync(() => failures.GetMeasurementSnapshot().Any(m => Equals(m.Tags["source.name"], "test-source")), "the failure is counted");

        var mine = refreshes.GetMeasurementSnapshot().Where(m => Equals(m.Tags["source.name"], "test-source")).ToList();
        Assert.Contains(mine, m => Equals(m.Tags["result"], "changed"));
        Assert.Contains(mine, m => Equals(m.Tags["result"], "failed"));
        Assert.All(mine, m => Assert.Equal("fake", m.Tags["source.kind"]));
        Assert.Equal(2, changes.GetMeasurementSnapshot().Where(m => Equals(m.Tags["source.name"], "test-source")).Sum(m => m.Value));
    }

    [Fact]
    public async Task Staleness_gauge_reports_seconds_since_the_last_good_read()
    {
        var source = new FakeSecretSource();
        source.Set(("Key", "1"));
        using var harness = new EngineHarness(source);
        using var staleness = new MetricCollector<double>(null, SecretsTelemetry.MeterName, "k8ssecrets.staleness");
        source.Fail(new SecretSourceException("down"));
        source.Signals!.RequestRefresh();
        await Eventually.HoldsAsync(() => harness.Provider.GetHealth().ConsecutiveFailures == 1, "the failure is recorded");
        harness.Time.Advance(TimeSpan.FromSeconds(42));

        staleness.RecordObservableInstruments();
        var mine = Assert.Single(staleness.GetMeasurementSnapshot(), m => Equals(m.Tags["source.name"], "test-source"));
        Assert.Equal(42, mine.Value, precision: 3);
        Assert.Equal(TimeSpan.FromSeconds(42), harness.Provider.GetHealth().Staleness);
    }

    [Fact]
    public void Provider_describes_itself_without_values()
    {
        var source = new FakeSecretSource();
        source.Set(("Key", "hunter2"));
        using var harness = new EngineHarness(source);
        Assert.Equal("SecretsConfigurationProvider for fake 'test-source' (Required)", harness.Provider.ToString());
    }
}
