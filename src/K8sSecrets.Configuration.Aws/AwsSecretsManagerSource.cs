namespace K8sSecrets.Configuration.Aws;

/// <summary>
/// Adapts <see cref="AwsSecretsReader"/> to the engine: each result asks for the next read after
/// <see cref="AwsSecretsManagerOptions.PollInterval"/> (shortened at random by up to 10% so that pods
/// do not poll in step), or sooner, with the builder's retry policy, while a secret keeps its old
/// value after a failure that may pass by itself (throttling inside a batch). A read that fails as a
/// whole throws, and the engine retries it with the same policy and the store's Retry-After.
/// </summary>
internal sealed class AwsSecretsManagerSource : SecretSource
{
    private readonly AwsSecretsReader _reader;
    private readonly TimeSpan _interval;
    private readonly SecretRetryPolicy _retry;
    private int _partialFailures;

    public AwsSecretsManagerSource(string name, AwsSecretsManagerOptions options, AwsSecretsReader reader, SecretRetryPolicy retry)
        : base("aws-secrets-manager", name, options)
    {
        _reader = reader;
        _interval = options.PollInterval;
        _retry = retry;
    }

    /// <summary>Gets the earliest <c>NextRotationDate</c> of the secrets read, for the engine's expiry report.</summary>
    public DateTimeOffset? NextRotation => _reader.NextRotation;

    public override async ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var snapshot = await _reader.ReadAsync(context.ReadAll, NewSnapshot, cancellationToken).ConfigureAwait(false);
        var next = NextRead();
        return snapshot is null ? SecretLoadResult.Unchanged(next) : SecretLoadResult.Read(snapshot, next);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The jittered poll interval, or the retry policy's backoff when that is sooner and a secret is worth retrying.</summary>
    private TimeSpan NextRead()
    {
        var poll = SecretRetryPolicy.JitterPoll(_interval);
        if (!_reader.HasTransientFailure)
        {
            _partialFailures = 0;
            return poll;
        }

        var backoff = _retry.GetDelay(++_partialFailures);
        return backoff < poll ? backoff : poll;
    }
}
