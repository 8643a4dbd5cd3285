using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Chaos.Tests.Soak;

/// <summary>
/// Issue 22, item 4: per source, 10,000 rotations (100,000 with <c>K8SSECRETS_CHAOS=long</c>), every
/// one published and checked; after the warm-up, managed memory, open descriptors, threads and timers
/// do not trend upward. Tolerances are on the fitted trend across the run, never on one reading.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    /// <summary>The budget: no more than 1 MB of managed growth after the warm-up, over the whole run.</summary>
    private const double ManagedBudgetBytes = 1024 * 1024;

    /// <summary>
    /// Runtime noise allowed on the trend of a count across the run (the thread pool adds or retires
    /// a worker; a connection pool replaces a connection): less than one leaked object per 5,000
    /// rotations in CI, and per 50,000 in the long mode, so a per-rotation leak of any of them fails.
    /// </summary>
    private const double CountTolerance = 2;

    [Theory]
    [InlineData("volume")]
    [InlineData("api")]
    [InlineData("vault")]
    [InlineData("aws")]
    [InlineData("azure")]
    [InlineData("google")]
    public async Task Rotations_leave_memory_handles_threads_and_timers_flat(string kind)
    {
        var report = await SoakRun.RunAsync(kind, SoakRun.Rotations);
        output.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());

        Assert.True(report.LoggedValues == 0, $"{kind}: {report.LoggedValues} log records held a rotated value (first: {report.FirstLoggedValue}).");
        Assert.True(report.Changes == report.Rotations, $"{kind}: {report.Changes} changes were raised for {report.Rotations} rotations, each one published.");
        Assert.True(report.OverSpan(report.ManagedBytesPer1000) <= ManagedBudgetBytes, $"{kind}: managed memory trends up by {report.OverSpan(report.ManagedBytesPer1000) / 1024:0} KiB over the run. {report}");
        Assert.True(report.OverSpan(report.HandlesPer1000) <= CountTolerance, $"{kind}: open descriptors trend up. {report}");
        Assert.True(report.OverSpan(report.ThreadsPer1000) <= CountTolerance, $"{kind}: threads trend up. {report}");
        Assert.True(report.OverSpan(report.TimersPer1000) <= CountTolerance, $"{kind}: timers trend up. {report}");
        Assert.True(report.OverSpan(report.ClockTimersPer1000) <= CountTolerance, $"{kind}: timers armed on the clock trend up. {report}");
    }
}
