using System.Diagnostics;
using System.Globalization;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Chaos.Tests.Soak;

/// <summary>
/// A long run of rotations of one source: each one a store write and the provider publishing it,
/// driven by the source's own watch or by its poll on a fake clock, and checked value by value.
/// After a warm-up the process counters are sampled at even intervals, and their trends are fitted.
/// </summary>
internal static class SoakRun
{
    /// <summary>Part of every rotated value: it must reach no log record.</summary>
    public const string Sentinel = "S0AK-S3NT1NEL";

    private const int Samples = 40;
    private static readonly TimeSpan PublishBound = TimeSpan.FromSeconds(30);

    /// <summary>10,000 rotations per source; 100,000 with <c>K8SSECRETS_CHAOS=long</c>.</summary>
    public static int Rotations
        => string.Equals(Environment.GetEnvironmentVariable("K8SSECRETS_CHAOS"), "long", StringComparison.OrdinalIgnoreCase) ? 100_000 : 10_000;

    public static async Task<SoakReport> RunAsync(string kind, int rotations)
    {
        var warmUp = rotations / 10;
        var every = Math.Max(1, (rotations - warmUp) / Samples);
        var storeGrowth = await StoreGrowthAsync(kind, rotations, warmUp, every);

        var watch = Stopwatch.StartNew();
        var clock = new TestClock();
        var logs = new CountingLoggerProvider(Sentinel);
        var samples = new List<SoakSample>();
        long changes = 0;
        await using (var source = await SoakSource.StartAsync(kind, clock.Fake))
        using (var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)))
        using (var changed = new SemaphoreSlim(0))
        {
            await source.WriteAsync(Value(0));
            var root = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
            {
                secrets.TimeProvider = clock;
                secrets.LoggerFactory = loggers;
                secrets.MinRetryDelay = TimeSpan.FromMilliseconds(20);
                secrets.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
                source.Configure(secrets);
            }).Build();
            try
            {
                var provider = root.Providers.OfType<SecretsConfigurationProvider>().Single();
                provider.Changed += (_, _) =>
                {
                    Interlocked.Increment(ref changes);
                    changed.Release();
                };
                Check(kind, 0, root);
                for (var i = 1; i <= rotations; i++)
                {
                    await source.WriteAsync(Value(i));
                    await PublishedAsync(kind, i, root, clock, changed);
                    Check(kind, i, root);
                    if (i % every == 0)
                    {
                        source.Housekeep();
                        if (i >= warmUp)
                        {
                            samples.Add(new(i, ProcessCounters.Read(), clock.Waiting));
                        }
                    }
                }
            }
            finally
            {
                ((IDisposable)root).Dispose();
            }
        }

        return new SoakReport(kind, rotations, watch.Elapsed, samples, storeGrowth, Interlocked.Read(ref changes), logs.Records, logs.Leaks, logs.FirstLeak);
    }

    private static string Value(int rotation) => Sentinel + "-" + rotation.ToString(CultureInfo.InvariantCulture);

    private static void Check(string kind, int rotation, IConfigurationRoot root)
    {
        var rotated = root[SoakSource.Rotated];
        var steady = root[SoakSource.Steady];
        if (!string.Equals(rotated, Value(rotation), StringComparison.Ordinal) || !string.Equals(steady, SoakSource.SteadyValue, StringComparison.Ordinal))
        {
            // Values are compared, never printed: which rotation is shown, not what it held.
            throw new Xunit.Sdk.XunitException($"{kind}: after rotation {rotation} the published state is not the store's (rotated key {Describe(rotated)}, steady key {(steady == SoakSource.SteadyValue ? "intact" : "wrong")}).");
        }
    }

    private static string Describe(string? value)
        => value is null ? "missing"
            : value.StartsWith(Sentinel + "-", StringComparison.Ordinal) ? "at rotation " + value[(Sentinel.Length + 1)..]
            : "foreign";

    /// <summary>
    /// Waits (bounded, real time) until the rotation is published: a watching source publishes by
    /// itself; a polling one is read when its loop, asleep on the fake clock, is moved a poll on.
    /// Moving time while the loop is busy is harmless: the poll falls due again right after.
    /// </summary>
    private static async Task PublishedAsync(string kind, int rotation, IConfigurationRoot root, TestClock clock, SemaphoreSlim changed)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(PublishBound.TotalSeconds * Stopwatch.Frequency);
        var expected = Value(rotation);
        while (!string.Equals(root[SoakSource.Rotated], expected, StringComparison.Ordinal))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new Xunit.Sdk.XunitException($"{kind}: rotation {rotation} was not published within {PublishBound.TotalSeconds} s (the rotated key is {Describe(root[SoakSource.Rotated])}).");
            }

            if (clock.Waiting > 0)
            {
                clock.Fake.Advance(SoakSource.Poll);
            }

            await changed.WaitAsync(TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>
    /// The bytes per rotation the store's fake itself keeps (its version history) when written the
    /// same way with no provider reading it: subtracted from the run's trend, as it is not the provider's.
    /// </summary>
    private static async Task<double> StoreGrowthAsync(string kind, int rotations, int warmUp, int every)
    {
        var x = new List<double>();
        var y = new List<double>();
        await using var source = await SoakSource.StartAsync(kind, new FakeTimeProvider(DateTimeOffset.UtcNow));
        for (var i = 0; i <= rotations; i++)
        {
            await source.WriteAsync(Value(i));
            if (i > 0 && i % every == 0)
            {
                source.Housekeep();
                if (i >= warmUp)
                {
                    x.Add(i);
                    y.Add(ProcessCounters.Read().ManagedBytes);
                }
            }
        }

        return Trend.Slope(x, y);
    }
}
