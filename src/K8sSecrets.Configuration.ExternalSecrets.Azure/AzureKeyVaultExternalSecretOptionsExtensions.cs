using K8sSecrets.Configuration.Azure;
using K8sSecrets.Configuration.ExternalSecrets.Azure;
using K8sSecrets.Configuration.ExternalSecrets;

namespace Microsoft.Extensions.Configuration;

/// <summary>Lets <c>FromExternalSecret</c> read stores whose provider is <c>azurekv</c> (Azure Key Vault).</summary>
public static class AzureKeyVaultExternalSecretOptionsExtensions
{
    /// <summary>
    /// Reads <c>azurekv</c> stores and legacy <c>backendType: azureKeyVault</c> manifests with the Azure
    /// Key Vault source, signed in as the pod: AKS workload identity (<c>authType: WorkloadIdentity</c>)
    /// or a managed identity (<c>authType: ManagedIdentity</c>, <c>identityId</c>).
    /// </summary>
    /// <param name="options">The ExternalSecret's settings.</param>
    /// <returns>The settings.</returns>
    public static ExternalSecretOptions UseAzureKeyVault(this ExternalSecretOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddStore(new AzureExternalSecretStore(null));
    }

    /// <summary>
    /// Reads <c>azurekv</c> stores with the Azure Key Vault source, and adjusts its settings after they
    /// are read from the store (a credential, client options, parallelism). A credential set here wins
    /// over the store's <c>authType</c>.
    /// </summary>
    /// <param name="options">The ExternalSecret's settings.</param>
    /// <param name="configure">Receives the Key Vault settings made from the store.</param>
    /// <returns>The settings.</returns>
    public static ExternalSecretOptions UseAzureKeyVault(this ExternalSecretOptions options, Action<AzureKeyVaultOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configure);
        return options.AddStore(new AzureExternalSecretStore(configure));
    }
}
