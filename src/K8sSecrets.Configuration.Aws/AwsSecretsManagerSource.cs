namespace K8sSecrets.Configuration.Aws;

/// <summary>
/// Adapts <see cref="AwsSecretsReader"/> to the engine: polls every <see cref="AwsSecretsManagerOptions.PollInterval"/>
/// (shortened at random by up to 10% so that pods do not poll in step) and leaves the pace after a
/// failure to the engine's backoff and the store's Retry-After.
/// </summary>
internal sealed class AwsSecretsManagerSource : SecretSource
{
    private const double PollJitter = 0.1;
    private readonly AwsSecretsReader _reader;
    private readonly TimeSpan _interval;
    private volatile bool _failed;

    public AwsSecretsManagerSource(string name, AwsSecretsManagerOptions options, AwsSecretsReader reader)
        : base("aws-secrets-manager", name, options)
    {
        _reader = reader;
        _interval = options.PollInterval;
    }

    /// <summary>Gets the earliest <c>NextRotationDate</c> of the secrets read, for the engine's expiry report.</summary>
    public DateTimeOffset? NextRotation => _reader.NextRotation;

    public override TimeSpan? PollInterval => _failed ? null : _interval * (1 - (PollJitter * Random.Shared.NextDouble()));

    public override async ValueTask<SecretSnapshot?> LoadAsync(bool force, CancellationToken cancellationToken)
    {
        var succeeded = false;
        try
        {
            var snapshot = await _reader.ReadAsync(force, NewSnapshot, cancellationToken).ConfigureAwait(false);
            succeeded = true;
            return snapshot;
        }
        finally
        {
            _failed = !succeeded;
        }
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
