using K8sSecrets.Configuration;
using K8sSecrets.Configuration.ExternalSecrets;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds ExternalSecret manifests, read in-process, to a <see cref="KubernetesSecretsBuilder"/>.</summary>
public static class ExternalSecretsKubernetesSecretsBuilderExtensions
{
    /// <summary>
    /// Reads an ExternalSecret manifest (External Secrets Operator <c>external-secrets.io/v1</c> or
    /// <c>v1beta1</c>, or legacy <c>kubernetes-client.io/v1</c>) and its store from the same file, and
    /// publishes the keys the controller would write to its Secret, straight from the store.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="path">The manifest file, for example <c>deploy/external-secret.yaml</c>.</param>
    /// <returns>The secrets builder.</returns>
    /// <exception cref="SecretSourceException">The manifest cannot be read, or uses a kind, a store or a
    /// field that is not supported; the message names the file, the field and what is supported.</exception>
    public static KubernetesSecretsBuilder FromExternalSecret(this KubernetesSecretsBuilder builder, string path)
        => FromExternalSecret(builder, path, static _ => { });

    /// <summary>
    /// Reads an ExternalSecret manifest and its store, and publishes the keys the controller would
    /// write to its Secret, straight from the store.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="path">The manifest file, for example <c>deploy/external-secret.yaml</c>.</param>
    /// <param name="configure">Sets the store file, the section, mounted files, extra stores.</param>
    /// <returns>The secrets builder.</returns>
    /// <exception cref="SecretSourceException">The manifest cannot be read, or uses a kind, a store or a
    /// field that is not supported; the message names the file, the field and what is supported.</exception>
    public static KubernetesSecretsBuilder FromExternalSecret(this KubernetesSecretsBuilder builder, string path, Action<ExternalSecretOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ExternalSecretOptions();
        configure(options);
        options.CheckSettings();
        var declared = ExternalSecretDeclaration.Prepare(path, options);
        return builder.AddSource(context => declared.Create(context));
    }
}
