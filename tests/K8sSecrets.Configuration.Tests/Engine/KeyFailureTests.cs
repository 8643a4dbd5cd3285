using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Tests;

/// <summary>Issue 18 item 14: a key whose last read failed is reported by health, with since when, until it reads fine.</summary>
[Collection("engine")]
public sealed class KeyFailureTests
{
    private const string Sentinel = "KEYFAIL-SENTINEL-77b1";

    [Fact]
    public async Task A_key_failing_through_ten_good_reads_is_reported_with_since_when_until_it_recovers()
    {
        var source = new FakeSecretSource();
        source.Set(("db/password", Sentinel), ("api", "a1"));
        using var harness = new EngineHarness(source);
        var healthy = harness.Provider.GetHealth();
        Assert.True(healthy.IsHealthy);
        Assert.Empty(healthy.FailingKeys);

        source.Set(("api", "a1"));
        source.SetFailures(("db/password", "access denied to secret 'db/password'"));
        var firstFailed = harness.Time.GetUtcNow();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await harness.Provider.RefreshAsync(CancellationToken.None));
            harness.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var health = harness.Provider.GetHealth();
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.False(health.IsHealthy);
        var failing = Assert.Single(health.FailingKeys);
        Assert.Equal("db/password", failing.Name);
        Assert.Equal("db:password", failing.Key);
        Assert.Equal("access denied to secret 'db/password'", failing.Reason);
        Assert.Equal(firstFailed, failing.Since);
        Assert.Equal(TimeSpan.FromMinutes(10), failing.FailingFor);
        Assert.Equal(Sentinel, harness.Root["db:password"]); // the last good value stays

        source.Set(("db/password", "p2"), ("api", "a1"));
        Assert.True(await harness.Provider.RefreshAsync(CancellationToken.None));
        health = harness.Provider.GetHealth();
        Assert.Empty(health.FailingKeys);
        Assert.True(health.IsHealthy);
        var recovered = Assert.Single(harness.Logs.Records, r => r.Id.Name == "KeyRecovered");
        Assert.Equal(LogLevel.Information, recovered.Level);
        Assert.Contains("'db/password'", recovered.Message, StringComparison.Ordinal);
        harness.Logs.AssertNoSentinel(Sentinel);
    }

    [Fact]
    public async Task An_unchanged_read_keeps_the_failing_keys_and_a_new_failure_keeps_its_first_time()
    {
        var source = new FakeSecretSource();
        source.Set(("a", "1"), ("b", "2"));
        source.SetFailures(("a", "first reason"));
        using var harness = new EngineHarness(source);
        var since = harness.Time.GetUtcNow();

        harness.Time.Advance(TimeSpan.FromMinutes(5));
        source.AnswerUnchanged = true;
        using var refreshes = new MetricCollector<long>(null, SecretsTelemetry.MeterName, "k8ssecrets.refreshes");
        source.Signals!.RequestRefresh();
        await Eventually.HoldsAsync(
            () => refreshes.GetMeasurementSnapshot().Any(m => Equals(m.Tags["source.name"], source.Name) && Equals(m.Tags["result"], "unchanged")),
            "the unchanged read is recorded");
        Assert.Equal(since, Assert.Single(harness.Provider.GetHealth().FailingKeys).Since);

        source.AnswerUnchanged = false;
        source.Set(("a", "1"), ("b", "2"));
        source.SetFailures(("a", "second reason"), ("b", "now b too"));
        await harness.Provider.RefreshAsync(CancellationToken.None);
        var failing = harness.Provider.GetHealth().FailingKeys;
        Assert.Equal(["a", "b"], failing.Select(f => f.Name)); // longest failing first
        Assert.Equal(since, failing[0].Since);
        Assert.Equal("second reason", failing[0].Reason);
        Assert.Equal(since.AddMinutes(5), failing[1].Since);
    }
}
