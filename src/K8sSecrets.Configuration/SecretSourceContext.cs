using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

/// <summary>What a source factory receives: the settings shared by all sources of one builder.</summary>
public sealed class SecretSourceContext
{
    internal SecretSourceContext(ILoggerFactory loggerFactory, TimeProvider timeProvider, SecretRetryPolicy retry)
    {
        LoggerFactory = loggerFactory;
        TimeProvider = timeProvider;
        Retry = retry;
    }

    /// <summary>Gets the logger factory; never <see langword="null"/>.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets the clock every timer and timestamp goes through; never <see langword="null"/>.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets the retry rule a source uses for retries of its own (a watch, one failing path).</summary>
    public SecretRetryPolicy Retry { get; }
}
