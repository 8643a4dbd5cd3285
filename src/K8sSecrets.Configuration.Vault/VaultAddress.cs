namespace K8sSecrets.Configuration.Vault;

/// <summary>The rules a Vault address must meet; it is named in logs by <see cref="SecretStoreHttp.DescribeEndpoint"/> (scheme, host and port only).</summary>
internal static class VaultAddress
{
    /// <summary>Gets why <paramref name="address"/> cannot be used, or <see langword="null"/> when it can.</summary>
    public static string? Problem(Uri address, bool allowInsecureHttp)
    {
        if (!address.IsAbsoluteUri)
        {
            return "must be an absolute https URI, for example https://vault.vault.svc:8200";
        }

        if (address.Scheme != Uri.UriSchemeHttps && address.Scheme != Uri.UriSchemeHttp)
        {
            return $"uses the scheme '{address.Scheme}': Vault is reached over https (or http on this machine only)";
        }

        if (SecretStoreHttp.FindUserInfo(address, "authenticate with UseKubernetesAuth, UseAppRole, UseToken or UseTokenFile") is { } userInfo)
        {
            return userInfo;
        }

        if (address.Scheme == Uri.UriSchemeHttp && !address.IsLoopback && !allowInsecureHttp)
        {
            return $"is plain http to {SecretStoreHttp.DescribeEndpoint(address)}, which would send the Vault token, the JWT and the AppRole secret_id in clear text. "
                + "Use https, or set VaultSecretOptions.AllowInsecureHttp = true (for development only)";
        }

        return null;
    }
}
