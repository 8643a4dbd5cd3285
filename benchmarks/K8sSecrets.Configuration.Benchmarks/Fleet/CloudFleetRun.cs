using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace K8sSecrets.Configuration.Benchmarks.Fleet;

/// <summary>The settings of one cloud fleet run.</summary>
internal sealed record CloudFleetSettings(
    int Clients,
    int Secrets,
    TimeSpan Window,
    TimeSpan PollInterval,
    TimeSpan StartupTimeout,
    double RolloutSpeed,
    double SteadySpeed,
    int Seed);

/// <summary>One operation's requests per simulated second against its quota (counted per window of <paramref name="Window"/>), for the chart.</summary>
internal sealed record FleetSeries(string Operation, double QuotaPerSecond, TimeSpan Window, double[] Rate, double[] Admitted, double[] Throttled);

/// <summary>
/// Runs one cloud store's fleet: <see cref="CloudFleetSettings.Clients"/> providers, each built on its own
/// thread (Build() blocks, as in a pod's Main) at a random point of the start window, against the store's
/// fake with its quota enforced, all on one simulated clock (<see cref="FleetClock"/>). Then, at the steady
/// speed, one poll interval to settle, a store write, and one more interval: the steady rate is the mean
/// rate over that last interval (the write's own reads included) and the propagation is each client's
/// time from the write to its reload showing the new value.
/// </summary>
internal static class CloudFleetRun
{
    public static async Task<(FleetResult Result, IReadOnlyList<FleetSeries> Series)> RunAsync(
        Func<FleetClock, Task<ICloudFleetStore>> start, CloudFleetSettings settings, TextWriter log)
    {
        // Time stands still until the store is up, so that the quotas count from the clock's start (a whole window).
        using var clock = new FleetClock();
        await using var store = await start(clock);
        clock.Speed = settings.RolloutSpeed;
        var n = settings.Clients;
        var random = new Random(settings.Seed);
        var starts = Enumerable.Range(0, n).Select(_ => settings.Window * random.NextDouble()).Order().ToArray();
        var loaded = new TimeSpan?[n];
        var seen = new TimeSpan?[n];
        var configs = new IConfigurationRoot?[n];
        var errors = new ConcurrentBag<string>();
        var expected = (string?)null;
        var threads = new List<Thread>(n);
        var real = Stopwatch.StartNew();

        for (var i = 0; i < n; i++)
        {
            await clock.WaitUntilAsync(starts[i]);
            var client = i;
            var thread = new Thread(() => Build(client), maxStackSize: 256 * 1024) { IsBackground = true };
            threads.Add(thread);
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        var allLoaded = loaded.All(l => l is not null) ? loaded.Max() : null;
        var lastLoad = loaded.Where(l => l is not null).DefaultIfEmpty(clock.Elapsed).Max()!.Value;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {store.Store}: rollout done at {lastLoad.TotalSeconds:0.0} s simulated ({real.Elapsed.TotalSeconds:0} s real), {errors.Count} Build() failures"));

        // Steady state: one interval to settle, the write, one more interval.
        clock.Speed = settings.SteadySpeed;
        var writeAt = lastLoad + settings.PollInterval;
        await clock.WaitUntilAsync(writeAt);
        writeAt = clock.Elapsed;
        Volatile.Write(ref expected, "rotated-" + writeAt.Ticks.ToString(CultureInfo.InvariantCulture));
        store.Write(expected!);
        var end = writeAt + settings.PollInterval;
        await clock.WaitUntilAsync(end);
        await clock.WaitUntilAsync(writeAt + (settings.PollInterval * 1.5), () => seen.Where((_, i) => configs[i] is not null).All(s => s is not null));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {store.Store}: steady state and rotation done at {clock.Elapsed.TotalSeconds:0} s simulated ({real.Elapsed.TotalSeconds:0} s real)"));

        clock.Speed = 0;
        var series = store.Quotas.Select(q =>
        {
            var (admitted, refused) = q.Quota.PerSecondCounts();
            return new FleetSeries(q.Operation, q.Quota.PerSecond, q.Quota.Window, [.. admitted.Zip(refused, (a, r) => (double)(a + r))], [.. admitted.Select(a => (double)a)], [.. refused.Select(r => (double)r)]);
        }).ToList();
        var limiting = series[0];
        var from = (int)writeAt.TotalSeconds;
        var to = Math.Min((int)end.TotalSeconds, limiting.Rate.Length);
        double? steady = to > from ? limiting.Rate[from..to].Sum() / (end - writeAt).TotalSeconds : 0;
        var delays = seen.Where(s => s is not null).Select(s => s!.Value - writeAt).Order().ToList();
        var minimum = QuotaBoundMinimum(store, settings);
        var result = new FleetResult(
            store.Store,
            "rollout + steady state",
            n,
            settings.Secrets,
            settings.Window,
            allLoaded,
            minimum,
            store.Requests,
            store.Quotas.Sum(q => q.Quota.Refused),
            errors.Count,
            limiting.QuotaPerSecond,
            limiting.Rate.DefaultIfEmpty(0).Max(),
            steady,
            Percentile(delays, 0.5, n),
            Percentile(delays, 0.99, n),
            delays.Count == n ? delays[^1] : null,
            limiting.Rate,
            $"{store.Settings}; StartupTimeout {settings.StartupTimeout.TotalSeconds:0} s; poll {settings.PollInterval.TotalMinutes:0} min; "
            + $"simulated time at {settings.RolloutSpeed:0.##}x (rollout) and {settings.SteadySpeed:0.##}x (steady) real time; "
            + $"{delays.Count}/{n} saw the write{(errors.IsEmpty ? string.Empty : "; first failure: " + errors.First())}");

        await Parallel.ForEachAsync(configs, (config, _) =>
        {
            (config as IDisposable)?.Dispose();
            return ValueTask.CompletedTask;
        });
        return (result, series);

        void Build(int client)
        {
            try
            {
                var config = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
                {
                    secrets.TimeProvider = clock.Time;
                    secrets.StartupTimeout = settings.StartupTimeout;
                    store.Configure(secrets, client);
                }).Build();
                loaded[client] = clock.Elapsed;
                configs[client] = config;
                ChangeToken.OnChange(config.GetReloadToken, () =>
                {
                    if (seen[client] is null && Volatile.Read(ref expected) is { } value && config[store.WatchedKey] == value)
                    {
                        seen[client] = clock.Elapsed;
                    }
                });
            }
            catch (Exception e)
            {
                errors.Add(e.GetType().Name + ": " + e.Message);
            }
        }
    }

    /// <summary>
    /// The shortest rollout the quota allows: every client's cold-load calls W of each operation, admitted
    /// at most L per fixed window of length T, need the start of window ceil(W / L) (that is
    /// (ceil(W / L) - 1) x T); the slowest operation decides, and no rollout ends before its last pod starts
    /// (the start window).
    /// </summary>
    private static TimeSpan QuotaBoundMinimum(ICloudFleetStore store, CloudFleetSettings settings)
    {
        var bound = store.Quotas.Select((q, i) =>
        {
            var calls = (long)store.ColdLoadCalls[i] * settings.Clients;
            var windows = (calls + q.Quota.Limit - 1) / q.Quota.Limit;
            return q.Quota.Window * Math.Max(0, windows - 1);
        }).Max();
        return bound > settings.Window ? bound : settings.Window;
    }

    private static TimeSpan? Percentile(List<TimeSpan> sorted, double p, int n)
    {
        var index = (int)Math.Ceiling(p * n) - 1;
        return index < sorted.Count ? sorted[Math.Max(0, index)] : null;
    }
}
