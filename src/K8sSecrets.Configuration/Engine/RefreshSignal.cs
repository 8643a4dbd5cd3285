namespace K8sSecrets.Configuration;

/// <summary>
/// A coalescing "read again" flag the refresh loop waits on, with an optional deadline, and the
/// longest quiet period any request since the last read asked for. <see cref="Reschedule"/> wakes
/// the waiter without asking for a read, so that it computes its deadline again (after a failed
/// read outside the loop, which now needs a retry).
/// </summary>
internal sealed class RefreshSignal
{
    private TaskCompletionSource _pending = NewSource();
    private long _quietTicks;
    private int _requested;

    public void Set(TimeSpan quiet)
    {
        var ticks = SecretRetryPolicy.Clamp(quiet).Ticks;
        for (var current = Volatile.Read(ref _quietTicks); ticks > current; current = Volatile.Read(ref _quietTicks))
        {
            if (Interlocked.CompareExchange(ref _quietTicks, ticks, current) == current)
            {
                break;
            }
        }

        Volatile.Write(ref _requested, 1);
        Volatile.Read(ref _pending).TrySetResult();
    }

    public void Reschedule() => Volatile.Read(ref _pending).TrySetResult();

    /// <summary>Returns the longest quiet period asked for since the last call, and clears it.</summary>
    public TimeSpan TakeQuiet() => TimeSpan.FromTicks(Interlocked.Exchange(ref _quietTicks, 0));

    /// <summary>Waits for <see cref="Set"/>, <see cref="Reschedule"/> or the timeout, and clears what woke it.</summary>
    public async Task<Wake> WaitAsync(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var pending = Volatile.Read(ref _pending);
        if (!pending.Task.IsCompleted)
        {
            if (timeout is not { } limit)
            {
                await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(WholeMilliseconds(limit), time, stopDelay.Token);
                var first = await Task.WhenAny(pending.Task, delay).ConfigureAwait(false);
                await stopDelay.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (first != pending.Task)
                {
                    return Wake.Timeout;
                }
            }
        }

        Interlocked.CompareExchange(ref _pending, NewSource(), pending);
        return Interlocked.Exchange(ref _requested, 0) == 1 ? Wake.Requested : Wake.Rescheduled;
    }

    /// <summary>
    /// Rounds a wait up to whole milliseconds: <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>
    /// drops the fraction, so a wait under a millisecond (a 1 ms poll less its jitter, the rest of any
    /// wait) would end at once and the loop would spin until the deadline passed.
    /// </summary>
    private static TimeSpan WholeMilliseconds(TimeSpan wait)
    {
        var clamped = SecretRetryPolicy.Clamp(wait);
        var rest = clamped.Ticks % TimeSpan.TicksPerMillisecond;
        return rest == 0 ? clamped : SecretRetryPolicy.Clamp(clamped + TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond - rest));
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What ended a wait of <see cref="RefreshSignal.WaitAsync"/>.</summary>
internal enum Wake
{
    Timeout,
    Requested,
    Rescheduled,
}
