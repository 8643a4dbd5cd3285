using K8sSecrets.Configuration;
using K8sSecrets.Configuration.Vault;
using K8sSecrets.Configuration.Vault.Http;

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
    /// <see cref="VaultSecretOptions.AllowInsecureHttp"/>), or holds user info.</exception>
    public static KubernetesSecretsBuilder FromVault(this KubernetesSecretsBuilder builder, Action<VaultSecretOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new VaultSecretOptions();
        configure(options);
        options.CheckSettings();
        return builder.AddSource(context => Create(options, context));
    }

    private static VaultSecretSource Create(VaultSecretOptions options, SecretSourceContext context)
    {
        var address = options.Address ?? AddressFromEnvironment()
            ?? throw new SecretSourceException("No Vault address: set VaultSecretOptions.Address or the VAULT_ADDR environment variable.") { IsTransient = false };
        var auth = options.Auth ?? TokenAuth.FromEnvironment()
            ?? throw new SecretSourceException(
                "No Vault auth method: call UseKubernetesAuth, UseAppRole, UseToken or UseTokenFile, or set the VAULT_TOKEN environment variable.")
            { IsTransient = false };
        var vaultNamespace = options.Namespace ?? Environment.GetEnvironmentVariable("VAULT_NAMESPACE");
        if (options.Address is null && VaultAddress.Problem(address, options.AllowInsecureHttp) is { } problem)
        {
            throw new SecretSourceException($"The VAULT_ADDR environment variable {problem}.") { IsTransient = false };
        }

        var api = new VaultHttpApi(options, address, vaultNamespace, context.TimeProvider);
        var name = $"{VaultAddress.Describe(address)} {string.Join(",", options.Secrets.Select(static s => s.Path))}";
        return new VaultSecretSource(name, options, auth, api, context);
    }

    private static Uri? AddressFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable("VAULT_ADDR");
        return Uri.TryCreate(value, UriKind.Absolute, out var address) ? address : null;
    }
}
