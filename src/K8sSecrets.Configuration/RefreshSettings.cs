using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

/// <summary>The settings of one builder that the refresh engine of each of its sources uses.</summary>
internal sealed record RefreshSettings(ILoggerFactory LoggerFactory, TimeProvider TimeProvider, SecretRetryPolicy Retry)
{
    public SecretSourceContext CreateContext() => new(LoggerFactory, TimeProvider, Retry);
}
