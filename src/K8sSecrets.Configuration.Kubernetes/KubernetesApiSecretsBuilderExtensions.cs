using K8sSecrets.Configuration;
using K8sSecrets.Configuration.Kubernetes;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds Secrets read from the Kubernetes API to a <see cref="KubernetesSecretsBuilder"/>.</summary>
public static class KubernetesApiSecretsBuilderExtensions
{
    /// <summary>
    /// Adds required Secrets of the pod's own namespace, read from the Kubernetes API and watched,
    /// so that a change is published within milliseconds.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="secretNames">The Secrets' names; each is listed and watched on its own.</param>
    /// <returns>The secrets builder.</returns>
    public static KubernetesSecretsBuilder FromApi(this KubernetesSecretsBuilder builder, params string[] secretNames)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(secretNames);
        if (secretNames.Length == 0)
        {
            throw new ArgumentException("Name at least one Secret.", nameof(secretNames));
        }

        return builder.FromApi(api =>
        {
            foreach (var name in secretNames)
            {
                api.SecretNames.Add(name);
            }
        });
    }

    /// <summary>Adds Secrets read from the Kubernetes API and watched, as <paramref name="configure"/> sets them up.</summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="configure">Sets the namespace, names or label selector, and other settings.</param>
    /// <returns>The secrets builder.</returns>
    public static KubernetesSecretsBuilder FromApi(this KubernetesSecretsBuilder builder, Action<ApiSecretOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ApiSecretOptions();
        configure(options);
        options.CheckSettings();
        return builder.AddSource(context => new ApiSecretSource(options, context, connection: null));
    }
}
