using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace K8sSecrets.Configuration.Vault.Http;

/// <summary>Builds the HTTP handler: system trust (or a PEM CA bundle) and an optional client certificate.</summary>
internal static class VaultHandlerFactory
{
    public static HttpMessageHandler Create(VaultSecretOptions options)
    {
        if (options.HttpMessageHandlerFactory is { } factory)
        {
            return factory() ?? throw new InvalidOperationException("VaultSecretOptions.HttpMessageHandlerFactory returned null.");
        }

        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
        };

        if (!string.IsNullOrEmpty(options.CaCertificatePem) || !string.IsNullOrEmpty(options.CaCertificatePath))
        {
            var roots = options.CaCertificatePem is { Length: > 0 } pem ? LoadInlineBundle(pem) : LoadBundle(options.CaCertificatePath!);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                Validate(certificate, errors, roots);
        }

        var client = options.ClientCertificate;
        if (client is null && !string.IsNullOrEmpty(options.ClientCertificatePath))
        {
            client = X509Certificate2.CreateFromPemFile(options.ClientCertificatePath, options.ClientKeyPath);
        }

        if (client is not null)
        {
            handler.SslOptions.ClientCertificates = [client];
        }

        return handler;
    }

    private static X509Certificate2Collection LoadBundle(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new SecretSourceException($"The Vault CA bundle '{path}' could not be read as PEM certificates ({ex.GetType().Name}).", ex) { IsTransient = false };
        }

        if (roots.Count == 0)
        {
            throw new SecretSourceException($"The Vault CA bundle '{path}' holds no PEM certificate.") { IsTransient = false };
        }

        return roots;
    }

    private static X509Certificate2Collection LoadInlineBundle(string pem)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new SecretSourceException($"The Vault CA bundle given inline could not be read as PEM certificates ({ex.GetType().Name}).", ex) { IsTransient = false };
        }

        if (roots.Count == 0)
        {
            throw new SecretSourceException("The Vault CA bundle given inline holds no PEM certificate.") { IsTransient = false };
        }

        return roots;
    }

    private static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (certificate is X509Certificate2 leaf)
        {
            return chain.Build(leaf);
        }

        using var copy = new X509Certificate2(certificate);
        return chain.Build(copy);
    }
}
