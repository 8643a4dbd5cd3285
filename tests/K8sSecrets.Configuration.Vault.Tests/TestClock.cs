using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Vault.Tests;

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

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this);
        timer.Arm(dueTime);
        timer.Inner = Fake.CreateTimer(
            s =>
            {
                if (period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero)
                {
                    timer.Disarm();
                }

                callback(s);
            },
            state,
            dueTime,
            period);
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
        public ITimer? Inner { get; set; }

        public void Arm(TimeSpan dueTime)
        {
            lock (clock._lock)
            {
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    clock._waiting.Remove(this);
                }
                else
                {
                    clock._waiting.Add(this);
                }
            }
        }

        public void Disarm()
        {
            lock (clock._lock)
            {
                clock._waiting.Remove(this);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime);
            return Inner?.Change(dueTime, period) ?? false;
        }

        public void Dispose()
        {
            Disarm();
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
