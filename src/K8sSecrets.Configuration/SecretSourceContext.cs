using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

/// <summary>What a source factory receives: the settings shared by all sources of one builder.</summary>
public sealed class SecretSourceContext
{
    internal SecretSourceContext(ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        LoggerFactory = loggerFactory;
        TimeProvider = timeProvider;
    }

    /// <summary>Gets the logger factory; never <see langword="null"/>.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets the clock every timer and timestamp goes through; never <see langword="null"/>.</summary>
    public TimeProvider TimeProvider { get; }
}
