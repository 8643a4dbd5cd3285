using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    /// <summary>
    /// Sends the logs of this provider, of its source and of the other sources declared in the same
    /// <c>AddKubernetesSecrets</c> call to <paramref name="loggerFactory"/> (usually the host's), when
    /// that call set no <see cref="KubernetesSecretsBuilder.LoggerFactory"/>. The Information-and-above
    /// records written before (the first load, a source that started empty, failures) are written
    /// to it first, once. <c>builder.AddKubernetesSecrets(...)</c> on the host builder calls this for
    /// every provider of the app's configuration when the host starts.
    /// </summary>
    /// <param name="loggerFactory">The factory to log to from now on.</param>
    /// <returns><see langword="false"/> when a factory was set on the builder or one is attached already.</returns>
    public bool AttachLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return _settings.LoggerFactory is DeferredLoggerFactory deferred && deferred.Attach(loggerFactory);
    }
}
