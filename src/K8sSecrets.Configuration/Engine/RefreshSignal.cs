namespace K8sSecrets.Configuration;

/// <summary>
/// A coalescing "read again" flag the refresh loop waits on, with an optional deadline, and the
/// longest quiet period any request since the last read asked for.
/// </summary>
internal sealed class RefreshSignal
{
    private TaskCompletionSource _pending = NewSource();
    private long _quietTicks;

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

        Volatile.Read(ref _pending).TrySetResult();
    }

    /// <summary>Returns the longest quiet period asked for since the last call, and clears it.</summary>
    public TimeSpan TakeQuiet() => TimeSpan.FromTicks(Interlocked.Exchange(ref _quietTicks, 0));

    /// <summary>Waits for <see cref="Set"/> or the timeout; returns <see langword="true"/> when set, and clears it.</summary>
    public async Task<bool> WaitAsync(TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken)
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
                var delay = Task.Delay(SecretRetryPolicy.Clamp(limit), time, stopDelay.Token);
                var first = await Task.WhenAny(pending.Task, delay).ConfigureAwait(false);
                await stopDelay.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (first != pending.Task)
                {
                    return false;
                }
            }
        }

        Interlocked.CompareExchange(ref _pending, NewSource(), pending);
        return true;
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
