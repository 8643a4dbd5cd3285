namespace K8sSecrets.Configuration.Google;

/// <summary>
/// Adapts <see cref="GoogleSecretReader"/> to the engine's <see cref="SecretSource"/> contract; the
/// store logic lives in the reader.
/// </summary>
internal sealed class GoogleSecretManagerSource : SecretSource
{
    private const double PollJitter = 0.1;

    private readonly GoogleSecretReader _reader;
    private readonly TimeSpan _pollInterval;

    public GoogleSecretManagerSource(string name, GoogleSecretManagerOptions options, GoogleSecretReader reader)
        : base("google", name, options)
    {
        _reader = reader;
        _pollInterval = options.PollInterval;
    }

    /// <summary>Gets the poll interval, shortened by up to 10% at random so that many pods do not poll in step.</summary>
    public override TimeSpan? PollInterval => _pollInterval * (1 - (PollJitter * Random.Shared.NextDouble()));

    /// <summary>Gets the earliest <c>expireTime</c> among the secrets read, for the engine to report.</summary>
    public DateTimeOffset? EarliestExpiry => _reader.EarliestExpiry;

    public override async ValueTask<SecretSnapshot?> LoadAsync(bool force, CancellationToken cancellationToken)
        => await _reader.ReadAsync(force, NewSnapshot, cancellationToken).ConfigureAwait(false);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
