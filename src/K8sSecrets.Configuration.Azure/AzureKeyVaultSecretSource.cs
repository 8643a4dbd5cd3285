namespace K8sSecrets.Configuration.Azure;

/// <summary>
/// Adapts <see cref="KeyVaultReader"/> to the engine's contract: it passes reads through and says
/// when to read next (the jittered poll, or just after the earliest expiry when that comes first).
/// </summary>
internal sealed class AzureKeyVaultSecretSource : SecretSource
{
    private static readonly TimeSpan AfterExpiry = TimeSpan.FromSeconds(1);

    private readonly KeyVaultReader _reader;
    private readonly AzureKeyVaultOptions _options;
    private readonly TimeProvider _time;
    private bool _polled;

    public AzureKeyVaultSecretSource(string name, AzureKeyVaultOptions options, KeyVaultReader reader, TimeProvider time)
        : base("azure-keyvault", name, options)
    {
        _options = options;
        _reader = reader;
        _time = time;
    }

    /// <inheritdoc />
    public override TimeSpan? PollInterval => _options.PollInterval;

    /// <summary>Gets the earliest expiry (<c>ExpiresOn</c>) of the published secrets, or <see langword="null"/> when none expires.</summary>
    public DateTimeOffset? EarliestExpiry => _reader.EarliestExpiry;

    public override async ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        var snapshot = await _reader.ReadAsync(context.ReadAll, cancellationToken).ConfigureAwait(false);
        var next = NextRead();
        return snapshot is null ? SecretLoadResult.Unchanged(next) : SecretLoadResult.Read(snapshot, next);
    }

    /// <summary>
    /// The time until the next poll: spread over the whole first interval after start-up, then every
    /// interval shortened by up to 10%; sooner when a published secret expires before that, so that
    /// it is dropped on time.
    /// </summary>
    private TimeSpan NextRead()
    {
        var random = Random.Shared.NextDouble();
        var wait = _polled ? PollSchedule.Next(_options.PollInterval, random) : PollSchedule.First(_options.PollInterval, random);
        _polled = true;
        if (EarliestExpiry is { } expiry && expiry - _time.GetUtcNow() + AfterExpiry is var untilExpiry && untilExpiry < wait)
        {
            wait = untilExpiry;
        }

        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > SecretRetryPolicy.LongestWait ? SecretRetryPolicy.LongestWait : wait;
    }
}
