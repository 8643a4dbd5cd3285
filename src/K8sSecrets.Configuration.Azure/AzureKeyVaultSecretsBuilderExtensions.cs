using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using K8sSecrets.Configuration;
using K8sSecrets.Configuration.Azure;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds Azure Key Vault to a <see cref="KubernetesSecretsBuilder"/>.</summary>
public static class AzureKeyVaultSecretsBuilderExtensions
{
    /// <summary>
    /// Adds every enabled, current secret of an Azure Key Vault, read with <c>DefaultAzureCredential</c>
    /// (AKS workload identity, managed identity) and polled every 5 minutes for changes.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="vaultUri">The vault, for example <c>https://payments-kv.vault.azure.net/</c>.</param>
    /// <returns>The secrets builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="vaultUri"/> is not an absolute https URI, or holds user info.</exception>
    public static KubernetesSecretsBuilder FromAzureKeyVault(this KubernetesSecretsBuilder builder, Uri vaultUri)
    {
        ArgumentNullException.ThrowIfNull(vaultUri);
        return builder.FromAzureKeyVault(kv => kv.VaultUri = vaultUri);
    }

    /// <summary>Adds secrets of an Azure Key Vault, with the vault, identity, selection and schedule set by <paramref name="configure"/>.</summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="configure">Sets the vault, the credential or client, the secrets to read and how often.</param>
    /// <returns>The secrets builder.</returns>
    /// <exception cref="InvalidOperationException">Neither a vault address nor a client was set.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (<c>PollInterval</c> not positive or over a day).</exception>
    /// <exception cref="ArgumentException"><c>VaultUri</c> is not an absolute https URI, or it or the client's address holds user info.</exception>
    public static KubernetesSecretsBuilder FromAzureKeyVault(this KubernetesSecretsBuilder builder, Action<AzureKeyVaultOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AzureKeyVaultOptions();
        configure(options);
        options.CheckSettings();
        return builder.AddSource(context => CreateSource(options, context));
    }

    internal static AzureKeyVaultSecretSource CreateSource(AzureKeyVaultOptions options, SecretSourceContext context)
    {
        var client = options.Client ?? CreateClient(options);
        var reader = new KeyVaultReader(client, options, context, context.LoggerFactory.CreateLogger<AzureKeyVaultSecretSource>());
        var name = string.IsNullOrEmpty(options.Prefix) ? reader.Vault : $"{reader.Vault} {options.Prefix}*";
        return new AzureKeyVaultSecretSource(name, options, reader, context.TimeProvider);
    }

    private static SecretClient CreateClient(AzureKeyVaultOptions options)
    {
        var clientOptions = options.ClientOptions ?? new SecretClientOptions();
        clientOptions.RetryPolicy ??= new ThrottleAwareRetryPolicy(clientOptions.Retry);
        return new SecretClient(options.VaultUri!, options.Credential ?? new DefaultAzureCredential(), clientOptions);
    }
}
