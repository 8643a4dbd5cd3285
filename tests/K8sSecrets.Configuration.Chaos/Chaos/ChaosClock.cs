using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// The one clock of a chaos run: a <see cref="FakeTimeProvider"/> that also knows when each armed
/// timer falls due, so the runner can jump straight to the next due time (an event-driven
/// simulation) instead of stepping, and a wall-clock step (NTP correction, VM resume) that moves
/// <see cref="GetUtcNow"/> but neither timestamps nor timers.
/// </summary>
internal sealed class ChaosClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TrackedTimer, DateTimeOffset> _due = [];
    private long _version;

    public FakeTimeProvider Fake { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Gets or sets how far the wall clock is stepped from the fake's time.</summary>
    public TimeSpan WallClockStep { get; set; }

    public override long TimestampFrequency => Fake.TimestampFrequency;

    /// <summary>Gets a number that moves whenever a timer is armed, changed, fired or disposed (part of the quiescence fingerprint).</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Gets the fake time (not stepped) at which the earliest armed timer falls due, or null when none is armed.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_lock)
            {
                return _due.Count == 0 ? null : _due.Values.Min();
            }
        }
    }

    public int Armed
    {
        get
        {
            lock (_lock)
            {
                return _due.Count;
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow() + WallClockStep;

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this);
        timer.Inner = Fake.CreateTimer(
            s =>
            {
                timer.Fired();
                callback(s);
            },
            state,
            dueTime,
            period);
        timer.Arm(dueTime, period);
        return timer;
    }

    private sealed class TrackedTimer(ChaosClock clock) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _firedBeforeArm;
        private bool _armed;

        public ITimer? Inner { get; set; }

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                _period = period;
                Interlocked.Increment(ref clock._version);
                var fired = _firedBeforeArm;
                _firedBeforeArm = false;
                _armed = true;
                if (dueTime == Timeout.InfiniteTimeSpan || (fired && !IsPeriodic))
                {
                    clock._due.Remove(this);
                }
                else
                {
                    clock._due[this] = clock.Fake.GetUtcNow() + dueTime;
                }
            }
        }

        public void Fired()
        {
            lock (clock._lock)
            {
                Interlocked.Increment(ref clock._version);
                if (!_armed)
                {
                    _firedBeforeArm = true;
                    return;
                }

                if (IsPeriodic && clock._due.TryGetValue(this, out var due))
                {
                    clock._due[this] = due + _period;
                }
                else
                {
                    clock._due.Remove(this);
                }
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                _armed = false;
            }

            var changed = Inner?.Change(dueTime, period) ?? false;
            Arm(dueTime, period);
            return changed;
        }

        public void Dispose()
        {
            lock (clock._lock)
            {
                Interlocked.Increment(ref clock._version);
                clock._due.Remove(this);
                _armed = true;
                _period = Timeout.InfiniteTimeSpan;
            }

            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private bool IsPeriodic => _period != Timeout.InfiniteTimeSpan && _period != TimeSpan.Zero;
    }
}
