namespace K8sSecrets.Configuration.Vault;

/// <summary>The rules a Vault address must meet, and how it is named in logs: scheme, host and port only.</summary>
internal static class VaultAddress
{
    /// <summary>Gets <c>scheme://host:port</c>: never user info, a path or a query.</summary>
    public static string Describe(Uri address) => address.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);

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

        if (address.UserInfo.Length > 0)
        {
            // Refused rather than stripped: a password in an address is a mistake worth hearing about.
            return $"for {Describe(address)} holds user info ('user:password@'), which Vault does not use and which would leak into logs. "
                + "Remove it and authenticate with UseKubernetesAuth, UseAppRole, UseToken or UseTokenFile";
        }

        if (address.Scheme == Uri.UriSchemeHttp && !address.IsLoopback && !allowInsecureHttp)
        {
            return $"is plain http to {Describe(address)}, which would send the Vault token, the JWT and the AppRole secret_id in clear text. "
                + "Use https, or set VaultSecretOptions.AllowInsecureHttp = true (for development only)";
        }

        return null;
    }
}
