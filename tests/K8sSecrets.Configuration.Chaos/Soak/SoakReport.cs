using System.Globalization;

namespace K8sSecrets.Configuration.Chaos.Tests.Soak;

/// <summary>What one soak measured: the counters' trends after the warm-up, per 1,000 rotations.</summary>
internal sealed record SoakReport(
    string Kind,
    int Rotations,
    TimeSpan Elapsed,
    IReadOnlyList<SoakSample> Samples,
    double StoreBytesPerRotation,
    long Changes,
    long LogRecords,
    long LoggedValues,
    string? FirstLoggedValue)
{
    /// <summary>Gets the rotations between the first and the last sample.</summary>
    public int Span => Samples[^1].Rotation - Samples[0].Rotation;

    /// <summary>
    /// Gets the managed heap's trend, less the store's own history, in bytes per 1,000 rotations. A
    /// store's history never shrinks: a falling reading of it is the runtime handing memory back (the
    /// shared array pool trims what earlier tests rented), so it is not subtracted.
    /// </summary>
    public double ManagedBytesPer1000 => (Slope(c => c.ManagedBytes) - StoreHistory) * 1000;

    /// <summary>Gets the store's own growth per rotation that is subtracted: what was measured, or none when that fell.</summary>
    public double StoreHistory => Math.Max(0, StoreBytesPerRotation);

    public double HandlesPer1000 => Slope(c => c.Handles) * 1000;

    public double ThreadsPer1000 => Slope(c => c.Threads) * 1000;

    public double TimersPer1000 => Slope(c => c.Timers) * 1000;

    /// <summary>Gets the trend of the timers armed on the test's fake clock (the engine's and the source's own waits), which <see cref="Timer.ActiveCount"/> does not see.</summary>
    public double ClockTimersPer1000 => Trend.Slope([.. Samples.Select(s => (double)s.Rotation)], [.. Samples.Select(s => (double)s.ClockTimers)]) * 1000;

    /// <summary>Gets how much a counter's trend grows across the measured span.</summary>
    public double OverSpan(double per1000) => per1000 * Span / 1000;

    public override string ToString()
    {
        var first = Samples[0].Counters;
        var last = Samples[^1].Counters;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"soak {Kind}: {Rotations} rotations in {Elapsed.TotalSeconds:0.0} s ({Elapsed.TotalMilliseconds * 1000 / Rotations:0} µs each); "
            + $"slopes per 1,000 rotations over {Samples.Count} samples after the warm-up: managed {ManagedBytesPer1000:+0;-0} B "
            + $"(raw {Slope(c => c.ManagedBytes) * 1000:+0;-0} B, store history {StoreHistory * 1000:0} B of it; {OverSpan(ManagedBytesPer1000) / 1024:+0.0;-0.0} KiB over the run), "
            + $"handles {HandlesPer1000:+0.000;-0.000}, threads {ThreadsPer1000:+0.000;-0.000}, timers {TimersPer1000:+0.000;-0.000}, fake-clock timers {ClockTimersPer1000:+0.000;-0.000}; "
            + $"first/last sample: {first.ManagedBytes / 1024} / {last.ManagedBytes / 1024} KiB, {first.Handles} / {last.Handles} fds, "
            + $"{first.Threads} / {last.Threads} threads, {first.Timers} / {last.Timers} timers, {Samples[0].ClockTimers} / {Samples[^1].ClockTimers} fake-clock timers; {Changes} changes, {LogRecords} log records; managed KiB by sample: {string.Join(" ", Samples.Select(s => s.Counters.ManagedBytes / 1024))}");
    }

    private double Slope(Func<ProcessCounters, double> counter)
        => Trend.Slope([.. Samples.Select(s => (double)s.Rotation)], [.. Samples.Select(s => counter(s.Counters))]);
}
