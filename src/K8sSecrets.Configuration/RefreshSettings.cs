using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

/// <summary>The settings of one builder that the refresh engine of each of its sources uses.</summary>
internal sealed record RefreshSettings(ILoggerFactory LoggerFactory, TimeProvider TimeProvider, SecretRetryPolicy Retry)
{
    /// <summary>Gets how long a required source throttled by its store at start-up is retried before <c>Build()</c> fails; zero fails at once.</summary>
    public TimeSpan StartupTimeout { get; init; }

    public SecretSourceContext CreateContext() => new(LoggerFactory, TimeProvider, Retry);
}
