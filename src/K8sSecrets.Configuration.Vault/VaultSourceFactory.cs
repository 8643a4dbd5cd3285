using K8sSecrets.Configuration.Vault.Http;

namespace K8sSecrets.Configuration.Vault;

/// <summary>
/// Builds a Vault source from checked options: the address and token from the environment when
/// the options leave them out. Shared by <c>FromVault</c> and the ExternalSecrets package.
/// </summary>
internal static class VaultSourceFactory
{
    public static SecretSource Create(VaultSecretOptions options, SecretSourceContext context)
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
        var name = $"{SecretStoreHttp.DescribeEndpoint(address)} {string.Join(",", options.Secrets.Select(static s => s.Path))}";
        return new VaultSecretSource(name, options, auth, api, context);
    }

    private static Uri? AddressFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable("VAULT_ADDR");
        return Uri.TryCreate(value, UriKind.Absolute, out var address) ? address : null;
    }
}
