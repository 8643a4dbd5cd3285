using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also knows whether anyone is waiting on one of its timers,
/// so a test can tell that the refresh loop has finished its work and sleeps before it moves time.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly HashSet<TrackedTimer> _waiting = [];

    public FakeTimeProvider Fake { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>
    /// Gets or sets how far the wall clock (<see cref="GetUtcNow"/>) is stepped from the fake's time,
    /// as an NTP correction or a VM resume would; timestamps and timers are not moved.
    /// </summary>
    public TimeSpan WallClockStep { get; set; }

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow() + WallClockStep;

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this);
        timer.Inner = Fake.CreateTimer(
            s =>
            {
                if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
                {
                    timer.Fired();
                }

                callback(s);
            },
            state,
            dueTime,
            period);

        // Counted as waiting only once the fake clock knows the timer, so a test that sees it
        // waiting and moves time cannot slip in before the timer's due time is fixed.
        timer.Arm(dueTime);
        return timer;
    }

    /// <summary>Waits (bounded, real time) until the refresh loop is asleep on a timer.</summary>
    public Task WaitUntilIdleAsync() => Testing.Eventually.HoldsAsync(() => Waiting > 0, "the refresh loop waits for its next due time");

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

    private sealed class TrackedTimer(TestClock clock) : ITimer
    {
        private bool _fired;

        public ITimer? Inner { get; set; }

        public void Arm(TimeSpan dueTime)
        {
            lock (clock._lock)
            {
                if (dueTime == Timeout.InfiniteTimeSpan || _fired)
                {
                    clock._waiting.Remove(this);
                }
                else
                {
                    clock._waiting.Add(this);
                }
            }
        }

        public void Fired()
        {
            lock (clock._lock)
            {
                _fired = true;
                clock._waiting.Remove(this);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                _fired = false;
            }

            var changed = Inner?.Change(dueTime, period) ?? false;
            Arm(dueTime);
            return changed;
        }

        public void Dispose()
        {
            Fired();
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
