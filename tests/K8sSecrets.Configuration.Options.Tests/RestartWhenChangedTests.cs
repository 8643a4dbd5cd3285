using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Options.Tests;

/// <summary>Every test here counts the restart metric, which every restart test adds to, so they run one at a time (one collection).</summary>
[Collection(RestartMetric.Collection)]
public sealed class RestartWhenChangedTests
{
    private const string Sentinel = "SENTINEL-5b0e-restart-do-not-log";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Hundred_replicas_stop_spread_across_the_window_and_none_before_the_new_values_pass_the_gate()
    {
        using var volume = new KubeletVolume();
        volume.Write(("ConnectionString", "Host=db-a;Password=" + Sentinel), ("Other", "x"));
        var clock = new FakeTimeProvider(Start);
        using var restarts = new MetricCollector<long>(null, "K8sSecrets.Configuration", "k8ssecrets.restarts", clock);
        var replicas = new List<RotationHost>();
        var stops = new Task[100];
        try
        {
            for (var i = 0; i < stops.Length; i++)
            {
                var replica = BuildReplica(volume, clock);
                replicas.Add(replica);
                await replica.Host.StartAsync();
                stops[i] = Stopping(replica);
            }

            // A rotation the Validate gate refuses is never published, so nothing is scheduled.
            volume.Write(("ConnectionString", "broken " + Sentinel), ("Other", "x"));
            foreach (var replica in replicas)
            {
                Assert.False(await replica.Provider.RefreshAsync(CancellationToken.None));
            }

            Advance(clock, TimeSpan.FromMinutes(6));
            Assert.Empty(Stopped(restarts));

            var validatedAt = clock.GetUtcNow();
            volume.Write(("ConnectionString", "Host=db-b;Password=" + Sentinel + "-2"), ("Other", "x"));
            foreach (var replica in replicas)
            {
                Assert.True(await replica.Provider.RefreshAsync(CancellationToken.None));
            }

            Advance(clock, TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

            await Task.WhenAll(stops).WaitAsync(TimeSpan.FromSeconds(30));
            var delays = Stopped(restarts).Select(at => at - validatedAt).ToList();
            Assert.Equal(100, delays.Count);
            Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1)));
            var quarters = delays.GroupBy(d => Math.Min(3, (int)(d.TotalSeconds / 75))).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(Enumerable.Range(0, 4), q => Assert.True(quarters.GetValueOrDefault(q) > 0, $"no replica stopped in quarter {q} of the window"));
            Assert.True(delays.Max() - delays.Min() > TimeSpan.FromMinutes(3), "stop times are spread across the window");

            var results = restarts.GetMeasurementSnapshot().GroupBy(m => (string)m.Tags["result"]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
            Assert.Equal(100, results["scheduled"]);
            Assert.Equal(100, results["stopped"]);
            Assert.All(replicas, r => Assert.Single(r.Logs.Records, x => x.Id.Name == "RestartStopping"));
            Assert.All(replicas, r => r.Logs.AssertNoSentinel(Sentinel));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                replica.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_pending_restart_is_cancelled_when_the_values_change_back_and_a_new_change_schedules_again()
    {
        using var volume = new KubeletVolume();
        volume.Write(("ConnectionString", "Host=db-a;Password=" + Sentinel), ("Other", "x"));
        var clock = new FakeTimeProvider(Start);
        using var restarts = new MetricCollector<long>(null, "K8sSecrets.Configuration", "k8ssecrets.restarts", clock);
        using var replica = BuildReplica(volume, clock, window: TimeSpan.FromMinutes(2));
        await replica.Host.StartAsync();
        var stopping = Stopping(replica);

        await replica.RotateAsync(volume, ("ConnectionString", "Host=db-b;Password=" + Sentinel + "-2"), ("Other", "x"));
        Advance(clock, TimeSpan.FromMinutes(1));
        await replica.RotateAsync(volume, ("ConnectionString", "Host=db-a;Password=" + Sentinel), ("Other", "x"));
        Advance(clock, TimeSpan.FromMinutes(10));
        Assert.Empty(Stopped(restarts));

        var changedAt = clock.GetUtcNow();
        await replica.RotateAsync(volume, ("ConnectionString", "Host=db-c;Password=" + Sentinel + "-3"), ("Other", "x"));
        Advance(clock, TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([changedAt + TimeSpan.FromMinutes(2)], Stopped(restarts));
        Assert.Equal(
            ["RestartScheduled", "RestartCancelled", "RestartScheduled", "RestartStopping"],
            replica.Logs.Records.Select(r => r.Id.Name).Where(n => n is not null && n.StartsWith("Restart", StringComparison.Ordinal) && n != "RestartWatching"));
        var results = restarts.GetMeasurementSnapshot().Select(m => (string)m.Tags["result"]!).ToList();
        Assert.Equal(["scheduled", "cancelled", "scheduled", "stopped"], results);
        replica.Logs.AssertNoSentinel(Sentinel);
    }

    [Fact]
    public async Task Changes_to_other_keys_and_the_first_load_of_a_late_source_never_restart()
    {
        var missing = Path.Combine(Path.GetTempPath(), "k8ssecrets-late-" + Guid.NewGuid().ToString("N"));
        var clock = new FakeTimeProvider(Start);
        using var replica = RotationHost.Build(
            missing,
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(clock);
                b.Services.AddSecretsRestartFallback(o => o.MaxDelay = TimeSpan.FromMinutes(1));
            },
            volume: v => v.Optional = true,
            secrets: s => s.RestartWhenChanged("Database:ConnectionString"));
        await replica.Host.StartAsync();
        var stopping = Stopping(replica);

        using var volume = new KubeletVolume(missing);
        Assert.True(await replica.RotateAsync(volume, ("ConnectionString", "Host=db-a"), ("Other", "x")));
        Assert.Equal("Host=db-a", replica.Root["Database:ConnectionString"]);
        Assert.True(await replica.RotateAsync(volume, ("ConnectionString", "Host=db-a"), ("Other", "y")));
        Advance(clock, TimeSpan.FromMinutes(2));
        Assert.DoesNotContain(replica.Logs.Records, r => r.Id.Name == "RestartStopping");
        Assert.Contains(replica.Logs.Records, r => r.Id.Name == "RestartFirstLoad");
        Assert.DoesNotContain(replica.Logs.Records, r => r.Id.Name == "RestartScheduled");

        await replica.RotateAsync(volume, ("ConnectionString", "Host=db-b"), ("Other", "y"));
        Advance(clock, TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_bad_window_fails_start_and_a_host_with_nothing_declared_warns()
    {
        using var volume = new KubeletVolume();
        volume.Write(("ConnectionString", "Host=db-a"));
        using (var replica = RotationHost.Build(
            volume.Root,
            b => b.Services.AddSecretsRestartFallback(o => o.MinDelay = TimeSpan.FromMinutes(10)),
            secrets: s => s.RestartWhenChanged("Database")))
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => replica.Host.StartAsync());
            Assert.Contains("MaxDelay", error.Message, StringComparison.Ordinal);
        }

        using (var replica = RotationHost.Build(volume.Root, b => b.Services.AddSecretsRestartFallback()))
        {
            await replica.Host.StartAsync();
            Assert.Contains(replica.Logs.Records, r => r.Id.Name == "RestartNothingToWatch");
        }

        Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s => s.RestartWhenChanged()));
    }

    private static RotationHost BuildReplica(KubeletVolume volume, FakeTimeProvider clock, TimeSpan? window = null)
        => RotationHost.Build(
            volume.Root,
            b =>
            {
                b.Services.AddSingleton<TimeProvider>(clock);
                b.Services.AddSecretsRestartFallback(o =>
                {
                    if (window is { } fixedDelay)
                    {
                        o.MinDelay = fixedDelay;
                        o.MaxDelay = fixedDelay;
                    }
                });
            },
            volume: v => v.Validate = data => data.TryGetValue("Database:ConnectionString", out var cs) && cs?.StartsWith("Host=", StringComparison.Ordinal) == true
                ? null
                : "Database:ConnectionString does not start with Host=",
            secrets: s => s.RestartWhenChanged("Database:ConnectionString"));

    /// <summary>Completes when the host's stop begins (the service stops it from a thread of its own).</summary>
    private static Task Stopping(RotationHost replica)
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        replica.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(() => stopping.TrySetResult());
        return stopping.Task;
    }

    /// <summary>When each stop was decided, on the fake clock (the metric is recorded as the timer fires).</summary>
    private static List<DateTimeOffset> Stopped(MetricCollector<long> restarts)
        => [.. restarts.GetMeasurementSnapshot().Where(m => (string?)m.Tags["result"] == "stopped").Select(m => m.Timestamp)];

    /// <summary>Moves the fake clock forward one second at a time, so each timer fires at its own moment.</summary>
    private static void Advance(FakeTimeProvider clock, TimeSpan by)
    {
        for (var moved = TimeSpan.Zero; moved < by; moved += TimeSpan.FromSeconds(1))
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }
    }
}
