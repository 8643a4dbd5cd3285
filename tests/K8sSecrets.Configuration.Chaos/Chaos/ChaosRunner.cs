using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// Runs seeds: one <see cref="Random"/>(seed) draws the whole schedule (store writes, faults, clock
/// moves) before anything runs, so a seed replays the same schedule; the runner plays it step by step,
/// settling between steps, checking the invariants at every publish and after every step, then stops
/// the faults and moves fake time until the published state equals the store's, within the target's
/// bound.
/// </summary>
internal static class ChaosRunner
{
    private static readonly TimeSpan[] s_advances =
    [
        TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2),
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(45), TimeSpan.FromMinutes(3),
    ];

    /// <summary>Runs every seed of the mode; fails with each failing seed's replay line, schedule and violations.</summary>
    public static async Task RunSeedsAsync(Func<IChaosTarget> target, ITestOutputHelper? output = null)
    {
        var seeds = ChaosMode.Seeds();
        var watch = Stopwatch.StartNew();
        var failures = new List<ChaosResult>();
        var slowest = TimeSpan.Zero;
        var warnings = 0L;
        var notes = 0;
        string? name = null;
        var progress = Environment.GetEnvironmentVariable("K8SSECRETS_CHAOS_PROGRESS");
        var inotifyAtStart = InotifyInstances();
        foreach (var seed in seeds)
        {
            var took = Stopwatch.StartNew();
            var inotify = InotifyInstances();
            var result = await RunSeedAsync(target, seed);
            if (progress is { Length: > 0 })
            {
                var faults = string.Join(",", result.Schedule.OfType<FaultStep>().Select(f => f.Name).Distinct().Order(StringComparer.Ordinal));
                await File.AppendAllTextAsync(progress, $"{result.Source} seed={seed} {(result.Passed ? "ok" : "FAILED")} real={took.Elapsed.TotalSeconds:0.00}s settle-timeouts={result.SettleTimeouts} inotify+={InotifyInstances() - inotify} faults={faults}\n");
            }

            name = result.Source;
            warnings += result.Warnings;
            notes += result.Notes;
            if (!result.Passed)
            {
                failures.Add(result);
                output?.WriteLine(result.Report());
            }
            else if (result.Converged is { } converged && converged > slowest)
            {
                slowest = converged;
            }
        }

        var summary = $"chaos source={name} seeds={seeds.Count} failed={failures.Count} took={watch.Elapsed.TotalSeconds:0.0} s slowest-convergence={slowest.TotalSeconds:0.###} s (fake) warnings-logged={warnings} late-rearms={notes} inotify={inotifyAtStart}->{InotifyInstances()}";
        output?.WriteLine(summary);
        Console.WriteLine(summary);
        if (failures.Count > 0)
        {
            throw new Xunit.Sdk.XunitException(summary + "\n\n" + string.Join("\n\n", failures.Select(f => f.Report())));
        }
    }

    /// <summary>Counts this process's inotify instances (Linux), to see a watcher that outlives its source.</summary>
    internal static int InotifyInstances()
    {
        try
        {
            return new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos().Count(f => f.LinkTarget?.Contains("inotify", StringComparison.Ordinal) == true);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Runs one seed and asserts it held every invariant (the regression tests).</summary>
    public static async Task AssertSeedAsync(Func<IChaosTarget> target, int seed)
    {
        var result = await RunSeedAsync(target, seed);
        if (!result.Passed)
        {
            throw new Xunit.Sdk.XunitException(result.Report());
        }
    }

    public static async Task<ChaosResult> RunSeedAsync(Func<IChaosTarget> makeTarget, int seed)
    {
        await using var target = makeTarget();
        var store = new ChaosStore(target.Groups, target.KeysPerGroup);
        using var world = new ChaosWorld(store);
        world.Attach(target);
        var random = new Random(seed);
        var schedule = Schedule(random, target, store);
        var played = 0;
        TimeSpan? converged = null;
        try
        {
            await target.StartAsync(world);
            var first = (WriteStep)schedule[0];
            store.Record(first);
            await target.WriteAsync(first);
            using var root = (ConfigurationRoot)Build(world, target);
            using var observer = new ChaosObserver(world, root);
            world.Observer = observer;
            played = 1;
            foreach (var step in schedule.Skip(1))
            {
                await PlayAsync(world, target, step);
                played++;
                observer.CheckNow($"step {played}: {step}");
                if (world.Violations.Count > 0)
                {
                    break;
                }
            }

            if (world.Violations.Count == 0)
            {
                converged = await ConvergeAsync(world, target, observer);
            }

            world.Observer = null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            world.Violation($"the run threw at step {played + 1}: {ex}");
        }

        return new ChaosResult(target.Name, seed, schedule, played, [.. world.Violations], world.SettleTimeouts, converged, world.Warnings, world.LogTail(), world.Notes);
    }

    /// <summary>Draws the whole schedule from the seed: the first step writes every group.</summary>
    internal static List<ChaosStep> Schedule(Random random, IChaosTarget target, ChaosStore store)
    {
        var n = 1;
        var steps = new List<ChaosStep>
        {
            new WriteStep(n++, Enumerable.Range(0, target.Groups).ToDictionary(g => g, _ => store.FullMask)),
        };
        var count = random.Next(12, 36);
        for (var i = 0; i < count; i++)
        {
            var roll = random.NextDouble();
            if (roll < 0.35)
            {
                steps.Add(new WriteStep(n++, DrawWrite(random, target, store)));
            }
            else if (roll < 0.7)
            {
                steps.Add(target.NextFault(random));
            }
            else
            {
                steps.Add(new AdvanceStep(s_advances[random.Next(s_advances.Length)]));
            }
        }

        return steps;
    }

    private static Dictionary<int, int> DrawWrite(Random random, IChaosTarget target, ChaosStore store)
    {
        var groups = target.WritesManyGroups
            ? Enumerable.Range(0, target.Groups).Where(_ => random.Next(2) == 0).DefaultIfEmpty(random.Next(target.Groups)).ToArray()
            : [random.Next(target.Groups)];
        return groups.ToDictionary(
            g => g,
            _ => target.CanDeleteGroup && random.Next(8) == 0 ? 0 : random.Next(1, store.FullMask + 1));
    }

    private static IConfigurationRoot Build(ChaosWorld world, IChaosTarget target)
        => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.TimeProvider = world.Clock;
            secrets.LoggerFactory = world.LoggerFactory;
            secrets.MinRetryDelay = TimeSpan.FromSeconds(1);
            secrets.MaxRetryDelay = TimeSpan.FromSeconds(30);
            secrets.MaxRetryAfter = TimeSpan.FromSeconds(60);
            target.AddSource(secrets);
        }).Build();

    private static async Task PlayAsync(ChaosWorld world, IChaosTarget target, ChaosStep step)
    {
        switch (step)
        {
            case WriteStep write:
                world.Store.Record(write);
                await target.WriteAsync(write);
                break;
            case FaultStep fault:
                await target.ApplyAsync(fault);
                break;
            case AdvanceStep advance:
                await world.AdvanceAsync(advance.By);
                break;
        }

        await world.SettleAsync();
    }

    /// <summary>
    /// Invariant (c): after the faults stop, fake time moves from one due timer to the next until the
    /// published state equals the store's; it must within the target's bound.
    /// </summary>
    private static async Task<TimeSpan?> ConvergeAsync(ChaosWorld world, IChaosTarget target, ChaosObserver observer)
    {
        await target.HealAsync();
        world.ClearConnectionFaults();
        var healed = world.Clock.Fake.GetUtcNow();
        var final = world.Store.Final().ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            await world.SettleAsync();
            var took = world.Clock.Fake.GetUtcNow() - healed;
            if (ChaosObserver.Same(observer.Published(), final))
            {
                observer.CheckNow("convergence");
                return took;
            }

            var next = world.Clock.NextDue;
            if (next is null)
            {
                // Nothing armed: give a starved thread a last chance (real time, bounded) before calling it stuck.
                await Task.Delay(500);
                await world.SettleAsync();
                next = world.Clock.NextDue;
                if (next is not null)
                {
                    world.Note($"a timer was armed only after a 500 ms real wait with nothing armed (at +{took.TotalSeconds:0.###} s)");
                }
            }

            if (next is null || next.Value - healed > target.ConvergenceBound)
            {
                var published = observer.Published();
                world.Violation(
                    $"(c) not converged {took.TotalSeconds:0.###} s after the faults stopped (bound {target.ConvergenceBound.TotalSeconds:0} s; next timer {(next is { } d ? $"at +{(d - healed).TotalSeconds:0.###} s" : "none")}): "
                    + $"store [{string.Join(" ", final.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + Short(p.Value)))}] "
                    + $"published [{string.Join(" ", published.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + Short(p.Value)))}]; health: {observer.Provider.GetHealth().LastError}");
                return null;
            }

            var now = world.Clock.Fake.GetUtcNow();
            world.Clock.Fake.Advance(next.Value > now ? next.Value - now : TimeSpan.FromTicks(1));
        }
    }

    private static string Short(string? value)
        => value is not null && value.StartsWith(ChaosStore.Sentinel, StringComparison.Ordinal) ? value[ChaosStore.Sentinel.Length..].Split(':')[0] : value ?? "null";
}
