namespace K8sSecrets.Configuration.Azure;

/// <summary>
/// Adapts <see cref="KeyVaultReader"/> to the engine's contract: it only keeps the poll schedule
/// (monotonic time, jittered) and passes reads through.
/// </summary>
internal sealed class AzureKeyVaultSecretSource : SecretSource
{
    private readonly KeyVaultReader _reader;
    private readonly AzureKeyVaultOptions _options;
    private readonly TimeProvider _time;
    private long _nextPoll = long.MaxValue;
    private bool _polled;
    private volatile bool _failed;

    public AzureKeyVaultSecretSource(string name, AzureKeyVaultOptions options, KeyVaultReader reader, TimeProvider time)
        : base("azure-keyvault", name, options)
    {
        _options = options;
        _reader = reader;
        _time = time;
    }

    /// <summary>Gets the earliest expiry (<c>ExpiresOn</c>) of the published secrets, or <see langword="null"/> when none expires.</summary>
    public DateTimeOffset? EarliestExpiry => _reader.EarliestExpiry;

    /// <summary>
    /// Gets the time until the next poll, or until the earliest expiry when that comes first (so an
    /// expired secret is dropped on time); <see langword="null"/> after a failed read, so that the
    /// engine's backoff and the vault's <c>Retry-After</c> decide.
    /// </summary>
    public override TimeSpan? PollInterval
    {
        get
        {
            if (_failed)
            {
                return null;
            }

            var next = Interlocked.Read(ref _nextPoll);
            var wait = next == long.MaxValue ? _options.PollInterval : _time.GetElapsedTime(_time.GetTimestamp(), next);
            if (EarliestExpiry is { } expiry && expiry - _time.GetUtcNow() is var untilExpiry && untilExpiry < wait)
            {
                wait = untilExpiry + TimeSpan.FromSeconds(1);
            }

            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
    }

    public override async ValueTask<SecretSnapshot?> LoadAsync(bool force, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await _reader.ReadAsync(force, cancellationToken).ConfigureAwait(false);
            _failed = false;
            return snapshot;
        }
        catch
        {
            _failed = true;
            throw;
        }
        finally
        {
            var wait = _polled ? PollSchedule.Next(_options.PollInterval, Random.Shared.NextDouble()) : PollSchedule.First(_options.PollInterval, Random.Shared.NextDouble());
            _polled = true;
            Interlocked.Exchange(ref _nextPoll, _time.GetTimestamp() + (long)(wait.TotalSeconds * _time.TimestampFrequency));
        }
    }
}
