namespace K8sSecrets.Configuration.Aws;

/// <summary>
/// Adapts <see cref="AwsSecretsReader"/> to the engine: each result asks for the next read after
/// <see cref="AwsSecretsManagerOptions.PollInterval"/> (shortened at random by up to 10% so that pods
/// do not poll in step), or sooner, with the builder's retry policy, while a secret keeps its old
/// value after a failure that may pass by itself (throttling inside a batch). A read that fails as a
/// whole throws, and the engine retries it with the same policy and the store's Retry-After. The
/// reader is made at the first read, so a setting found missing then (no region) fails that read:
/// <c>Build()</c> of a required source, or an optional source that starts empty and reports it.
/// </summary>
internal sealed class AwsSecretsManagerSource : SecretSource
{
    private readonly Func<AwsSecretsReader> _open;
    private readonly TimeSpan _interval;
    private readonly SecretRetryPolicy _retry;
    private AwsSecretsReader? _reader;
    private int _partialFailures;
    private bool _polled;
    private int _disposed;

    public AwsSecretsManagerSource(string name, AwsSecretsManagerOptions options, Func<AwsSecretsReader> open, SecretRetryPolicy retry)
        : base("aws-secrets-manager", name, options)
    {
        _open = open;
        _interval = options.PollInterval;
        _retry = retry;
    }

    /// <inheritdoc />
    public override TimeSpan? PollInterval => _interval;

    /// <summary>Gets the earliest <c>NextRotationDate</c> of the secrets read, for the engine's expiry report.</summary>
    public DateTimeOffset? NextRotation => Volatile.Read(ref _reader)?.NextRotation;

    public override async ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reader = _reader ?? Open();
        var snapshot = await reader.ReadAsync(context.ReadAll, NewSnapshot, cancellationToken).ConfigureAwait(false);
        var next = NextRead(reader);
        return snapshot is null ? SecretLoadResult.Unchanged(next) : SecretLoadResult.Read(snapshot, next);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Interlocked.Exchange(ref _reader, null)?.Dispose();
        }

        base.Dispose(disposing);
    }

    private AwsSecretsReader Open()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        var reader = _open();
        Volatile.Write(ref _reader, reader);
        if (Volatile.Read(ref _disposed) == 1)
        {
            // Disposed while the reader was made: Dispose may have missed it.
            Interlocked.Exchange(ref _reader, null)?.Dispose();
            throw new ObjectDisposedException(ToString());
        }

        return reader;
    }

    /// <summary>The jittered poll interval, or the retry policy's backoff when that is sooner and a secret is worth retrying.</summary>
    private TimeSpan NextRead(AwsSecretsReader reader)
    {
        // The first poll after the first load is spread over the whole interval (a rollout's pods poll apart).
        var poll = _polled ? SecretRetryPolicy.JitterPoll(_interval) : SecretRetryPolicy.JitterFirstPoll(_interval);
        _polled = true;
        if (!reader.HasTransientFailure)
        {
            _partialFailures = 0;
            return poll;
        }

        return _retry.GetDelay(++_partialFailures, failure: null, poll);
    }
}
