using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// The reduced fleet of the stores' <c>FleetTests</c>: a few clients built together on their own threads
/// (<c>Build()</c> blocks, as in a pod's Main) against one store fake, on one <see cref="TestClock"/> shared with
/// the fake's quota, moved a step at a time whenever every client sleeps on it. No real-time waits but bounded
/// waits for that event.
/// </summary>
public sealed class TestFleet : IDisposable
{
    private readonly TestClock _clock;
    private readonly IConfigurationRoot?[] _configs;
    private readonly Exception?[] _failures;

    private TestFleet(TestClock clock, int clients)
    {
        _clock = clock;
        _configs = new IConfigurationRoot?[clients];
        _failures = new Exception?[clients];
    }

    public IReadOnlyList<IConfigurationRoot?> Clients => _configs;

    public IEnumerable<Exception> Failures => _failures.Where(static f => f is not null)!;

    /// <summary>Builds <paramref name="clients"/> configurations at the same instant, moving the clock until every build ended.</summary>
    /// <param name="clock">The clock the clients and the store's quota share.</param>
    /// <param name="clients">How many clients.</param>
    /// <param name="build">Builds client <c>i</c>'s configuration (its own source and connections).</param>
    /// <param name="step">How far the clock moves each time every client sleeps.</param>
    public static async Task<TestFleet> BuildAsync(TestClock clock, int clients, Func<int, IConfigurationRoot> build, TimeSpan step)
    {
        var fleet = new TestFleet(clock, clients);
        var builds = Enumerable.Range(0, clients).Select(i => Task.Factory.StartNew(
            () =>
            {
                try
                {
                    fleet._configs[i] = build(i);
                }
                catch (Exception e)
                {
                    fleet._failures[i] = e;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)).ToArray();
        await fleet.MoveUntilAsync(() => builds.All(static b => b.IsCompleted), step, maxSteps: 600, "every client's Build() ended");
        await Task.WhenAll(builds);
        return fleet;
    }

    /// <summary>
    /// Moves the clock by <paramref name="step"/> each time every live client sleeps on it (its start-up retry or
    /// its next poll), until <paramref name="done"/> holds; fails after <paramref name="maxSteps"/> steps.
    /// </summary>
    public async Task MoveUntilAsync(Func<bool> done, TimeSpan step, int maxSteps, string because)
    {
        for (var i = 0; i < maxSteps; i++)
        {
            if (done())
            {
                return;
            }

            var sleepers = _failures.Count(static f => f is null);
            await Eventually.HoldsAsync(() => done() || _clock.Waiting >= sleepers, "every client sleeps on the clock");
            if (done())
            {
                return;
            }

            _clock.Fake.Advance(step);
        }

        throw new Xunit.Sdk.XunitException($"After {maxSteps} steps of {step}, still not: {because}.");
    }

    public void Dispose()
    {
        foreach (var config in _configs)
        {
            (config as IDisposable)?.Dispose();
        }
    }
}
