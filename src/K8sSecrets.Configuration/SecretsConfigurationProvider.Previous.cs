namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    /// <summary>The section under which <see cref="SecretSourceOptions.KeepPreviousFor"/> publishes the values keys had before a rotation.</summary>
    public const string PreviousValuesSection = PreviousValues.Root;

    /// <summary>The keys under the reserved root refused at the last publish, as logged; guarded by the refresh lock.</summary>
    private string? _refusedReserved;

    private static PreviousValues? CreatePreviousValues(SecretSourceOptions options)
    {
        if (options.KeepPreviousFor is not { } window)
        {
            return null;
        }

        SecretRetryPolicy.CheckWait(window, nameof(SecretSourceOptions.KeepPreviousFor));
        return new PreviousValues(window);
    }

    /// <summary>Drops the previous values whose window ended, with one reload.</summary>
    private async Task PruneExpiredAsync(CancellationToken cancellationToken)
    {
        if (_previous is null)
        {
            return;
        }

        SecretsChangedEventArgs? change = null;
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_previous.Prune(_time) is { } removed)
            {
                Data = _previous.Compose(_current);
                change = new SecretsChangedEventArgs([], [], removed, "previous values expired");
            }
        }
        finally
        {
            _refreshLock.Release();
        }

        if (change is not null)
        {
            Notify(change);
        }
    }
}
