using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also knows whether anyone is waiting on one of its timers,
/// so a test can tell that the refresh loop has finished its work and sleeps before it moves time.
/// </summary>
public sealed class TestClock : TrackingTimeProvider
{
    public TestClock()
        : this(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)))
    {
    }

    private TestClock(FakeTimeProvider fake)
        : base(fake)
    {
        Fake = fake;
    }

    public FakeTimeProvider Fake { get; }

    /// <summary>
    /// Gets or sets how far the wall clock (<see cref="GetUtcNow"/>) is stepped from the fake's time,
    /// as an NTP correction or a VM resume would; timestamps and timers are not moved.
    /// </summary>
    public TimeSpan WallClockStep { get; set; }

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + WallClockStep;

    /// <summary>Waits (bounded, real time) until the refresh loop is asleep on a timer.</summary>
    public Task WaitUntilIdleAsync() => Eventually.HoldsAsync(() => Waiting > 0, "the refresh loop waits for its next due time");

    /// <summary>Waits until the loop sleeps, then moves time forward, firing what falls due.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        await WaitUntilIdleAsync();
        Fake.Advance(by);
    }

    /// <summary>Moves time in steps, letting the loop settle after each, so every due action runs at its own time.</summary>
    public async Task AdvanceInStepsAsync(TimeSpan total, TimeSpan step)
    {
        for (var moved = TimeSpan.Zero; moved < total; moved += step)
        {
            await AdvanceAsync(step < total - moved ? step : total - moved);
        }

        await WaitUntilIdleAsync();
    }
}
