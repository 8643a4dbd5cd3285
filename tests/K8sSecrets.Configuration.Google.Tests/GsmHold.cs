namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>Requests of one kind held by <see cref="FakeSecretManager.Hold"/>: tells when one arrived and when one ended by the client giving up.</summary>
public sealed class GsmHold
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _abandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task that completes when the first held request arrives.</summary>
    public Task Arrived => _arrived.Task;

    /// <summary>Gets a task that completes when a held request was abandoned by its client (cancelled, disposed).</summary>
    public Task Abandoned => _abandoned.Task;

    public void Release() => _released.TrySetResult();

    /// <summary>Waits until released (<see langword="true"/>: answer normally) or the client gives up (<see langword="false"/>).</summary>
    internal async Task<bool> WaitAsync(CancellationToken aborted)
    {
        _arrived.TrySetResult();
        try
        {
            await _released.Task.WaitAsync(aborted);
            return true;
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            _abandoned.TrySetResult();
            return false;
        }
    }
}
