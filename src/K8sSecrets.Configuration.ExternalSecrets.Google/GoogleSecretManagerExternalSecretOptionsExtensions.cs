using K8sSecrets.Configuration.ExternalSecrets;
using K8sSecrets.Configuration.Google;
using K8sSecrets.Configuration.ExternalSecrets.Google;

namespace Microsoft.Extensions.Configuration;

/// <summary>Lets <c>FromExternalSecret</c> read stores whose provider is <c>gcpsm</c> (Google Secret Manager).</summary>
public static class GoogleSecretManagerExternalSecretOptionsExtensions
{
    /// <summary>
    /// Reads <c>gcpsm</c> stores and legacy <c>backendType: gcpSecretsManager</c> manifests with the Google
    /// Secret Manager source, signed in as the pod (GKE Workload Identity, or Application Default Credentials).
    /// </summary>
    /// <param name="options">The ExternalSecret's settings.</param>
    /// <returns>The settings.</returns>
    public static ExternalSecretOptions UseGoogleSecretManager(this ExternalSecretOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddStore(new GoogleExternalSecretStore(null));
    }

    /// <summary>
    /// Reads <c>gcpsm</c> stores with the Google Secret Manager source, and adjusts its settings after
    /// they are read from the store (a credential, an endpoint, a timeout).
    /// </summary>
    /// <param name="options">The ExternalSecret's settings.</param>
    /// <param name="configure">Receives the Secret Manager settings made from the store.</param>
    /// <returns>The settings.</returns>
    public static ExternalSecretOptions UseGoogleSecretManager(this ExternalSecretOptions options, Action<GoogleSecretManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configure);
        return options.AddStore(new GoogleExternalSecretStore(configure));
    }
}
