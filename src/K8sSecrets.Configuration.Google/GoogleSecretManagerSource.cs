namespace K8sSecrets.Configuration.Google;

/// <summary>
/// Adapts <see cref="GoogleSecretReader"/> to the engine's <see cref="SecretSource"/> contract; the
/// store logic and the schedule (the jittered poll, each failing secret's retry) live in the reader.
/// </summary>
internal sealed class GoogleSecretManagerSource : SecretSource
{
    private readonly GoogleSecretReader _reader;
    private readonly TimeSpan _interval;

    public GoogleSecretManagerSource(string name, GoogleSecretManagerOptions options, GoogleSecretReader reader)
        : base("google", name, options)
    {
        _reader = reader;
        _interval = options.PollInterval;
    }

    /// <inheritdoc />
    public override TimeSpan? PollInterval => _interval;

    /// <summary>Gets the earliest <c>expireTime</c> among the secrets read, for the engine to report.</summary>
    public DateTimeOffset? EarliestExpiry => _reader.EarliestExpiry;

    public override ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
        => LoadAsync(context.ReadAll, cancellationToken);

    /// <summary>Reads what is due; <paramref name="readAll"/> as <see cref="SecretLoadContext.ReadAll"/>.</summary>
    internal async ValueTask<SecretLoadResult> LoadAsync(bool readAll, CancellationToken cancellationToken)
    {
        var snapshot = await _reader.ReadAsync(readAll, NewSnapshot, cancellationToken).ConfigureAwait(false);
        return snapshot is null ? SecretLoadResult.Unchanged(_reader.NextRead) : SecretLoadResult.Read(snapshot, _reader.NextRead);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
