namespace K8sSecrets.Configuration;

/// <summary>
/// Raised when a secret source cannot be read. The message names the source, the path or object
/// and the fix; it never contains a secret value, a token or a raw response body.
/// </summary>
public sealed class SecretSourceException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SecretSourceException"/> class.</summary>
    public SecretSourceException()
    {
    }

    /// <summary>Initializes a new instance with a message that must not contain secret material.</summary>
    /// <param name="message">A description naming the source and the fix.</param>
    public SecretSourceException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the underlying cause.</summary>
    /// <param name="message">A description naming the source and the fix.</param>
    /// <param name="innerException">The cause. It is never logged by the library, since its text may
    /// hold response bodies.</param>
    public SecretSourceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Gets a value indicating whether retrying may succeed (an outage, a missing folder, a
    /// sealed Vault) as opposed to a setup error (forbidden, bad credentials).
    /// </summary>
    public bool IsTransient { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether the store refused because of its rate limit or quota (HTTP 429,
    /// AWS <c>ThrottlingException</c>, Google <c>RESOURCE_EXHAUSTED</c>), whether or not it said when to
    /// come back. At start-up the engine waits out such a failure of a required source within
    /// <see cref="KubernetesSecretsBuilder.StartupTimeout"/> instead of failing <c>Build()</c>.
    /// </summary>
    public bool IsThrottled { get; init; }

    /// <summary>
    /// Gets the shortest wait the store asked for before the next attempt (an HTTP
    /// <c>Retry-After</c>); the engine never retries sooner, whatever its backoff says.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }
}
