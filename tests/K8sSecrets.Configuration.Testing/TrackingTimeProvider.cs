namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A clock over another (the system clock, or a fake one in <see cref="TestClock"/>) that knows how
/// many of its timers are armed: a test can tell that a loop sleeps, or that disposal left no timer behind.
/// </summary>
public class TrackingTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly HashSet<TrackedTimer> _waiting = [];
    private readonly TimeProvider _inner;

    public TrackingTimeProvider(TimeProvider inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    public override long TimestampFrequency => _inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    /// <summary>Gets the number of timers armed and not yet fired or disposed (a periodic timer stays armed).</summary>
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

    public override DateTimeOffset GetUtcNow() => _inner.GetUtcNow();

    public override long GetTimestamp() => _inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this);
        timer.Inner = _inner.CreateTimer(
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

        // Counted as waiting only once the inner clock knows the timer, so a test that sees it
        // waiting and moves time cannot slip in before the timer's due time is fixed.
        timer.Arm(dueTime);
        return timer;
    }

    private sealed class TrackedTimer(TrackingTimeProvider clock) : ITimer
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
