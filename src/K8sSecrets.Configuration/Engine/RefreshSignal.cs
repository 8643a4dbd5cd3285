namespace K8sSecrets.Configuration;

/// <summary>A coalescing "read again" flag the refresh loop waits on, with an optional deadline.</summary>
internal sealed class RefreshSignal
{
    private TaskCompletionSource _pending = NewSource();

    public void Set() => Volatile.Read(ref _pending).TrySetResult();

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
                var delay = Task.Delay(limit > TimeSpan.Zero ? limit : TimeSpan.Zero, time, stopDelay.Token);
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
