using K8sSecrets.Configuration;
using K8sSecrets.Configuration.Vault;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds HashiCorp Vault to a <see cref="KubernetesSecretsBuilder"/>.</summary>
public static class VaultKubernetesSecretsBuilderExtensions
{
    /// <summary>
    /// Adds HashiCorp Vault paths as a secret source: KV v1/v2 secrets are polled, dynamic secrets
    /// are renewed and rotated, and the Vault token is renewed or obtained again as needed.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="configure">Sets the address, the auth method and the paths to read.</param>
    /// <returns>The secrets builder.</returns>
    /// <exception cref="InvalidOperationException">No path was declared.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An interval is not positive.</exception>
    /// <exception cref="ArgumentException">The address is not https (nor http to this machine, nor allowed by
    /// <see cref="VaultSecretOptions.AllowInsecureHttp"/>), or holds user info; or a secret, KV mount or auth mount path
    /// holds <c>?</c>, <c>#</c>, <c>%</c>, <c>\</c>, or a <c>.</c>, <c>..</c> or empty segment (it goes into the request URL).</exception>
    public static KubernetesSecretsBuilder FromVault(this KubernetesSecretsBuilder builder, Action<VaultSecretOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new VaultSecretOptions();
        configure(options);
        options.CheckSettings();
        return builder.AddSource(context => VaultSourceFactory.Create(options, context));
    }
}
