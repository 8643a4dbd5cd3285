using K8sSecrets.Configuration.Aws;
using K8sSecrets.Configuration.ExternalSecrets.Aws;
using K8sSecrets.Configuration.ExternalSecrets;

namespace Microsoft.Extensions.Configuration;

/// <summary>Lets <c>FromExternalSecret</c> read stores whose provider is <c>aws</c> (AWS Secrets Manager).</summary>
public static class AwsExternalSecretOptionsExtensions
{
    /// <summary>
    /// Reads <c>aws</c> stores (<c>service: SecretsManager</c>) and legacy <c>backendType: secretsManager</c>
    /// manifests with the AWS Secrets Manager source, signed with the pod's own identity (IRSA or EKS
    /// Pod Identity, through the AWS SDK's default chain).
    /// </summary>
    /// <param name="options">The ExternalSecret's settings.</param>
    /// <returns>The settings.</returns>
    public static ExternalSecretOptions UseAws(this ExternalSecretOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddStore(new AwsExternalSecretStore(null));
    }

    /// <summary>
    /// Reads <c>aws</c> stores with the AWS Secrets Manager source, and adjusts its settings after they
    /// are read from the store (credentials, an endpoint, a timeout).
    /// </summary>
    /// <param name="options">The ExternalSecret's settings.</param>
    /// <param name="configure">Receives the AWS settings made from the store.</param>
    /// <returns>The settings.</returns>
    public static ExternalSecretOptions UseAws(this ExternalSecretOptions options, Action<AwsSecretsManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configure);
        return options.AddStore(new AwsExternalSecretStore(configure));
    }
}
