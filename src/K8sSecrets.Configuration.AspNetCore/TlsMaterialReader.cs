using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.AspNetCore;

/// <summary>
/// Reads a <c>kubernetes.io/tls</c> Secret's keys from a configuration section (<c>tls.crt</c>: the
/// leaf, then intermediates; <c>tls.key</c>: PKCS#1, PKCS#8 or EC PEM; <c>ca.crt</c>, optional) and
/// accepts them only as a matching, currently valid pair. A refusal's reason names keys and causes,
/// never content.
/// </summary>
internal static class TlsMaterialReader
{
    public const string CertificateKey = "tls.crt";
    public const string PrivateKeyKey = "tls.key";
    public const string AuthorityKey = "ca.crt";

    /// <summary>The longest PEM value read (a chain of a few certificates is a few KB).</summary>
    internal const int MaxPemChars = 1 << 20;

    /// <summary>The most certificates taken from <c>tls.crt</c> or <c>ca.crt</c>.</summary>
    internal const int MaxCertificates = 64;

    /// <summary>The values of the three keys, as published.</summary>
    public static (string? Certificate, string? Key, string? Authority) ReadValues(IConfiguration section)
        => (section[CertificateKey], section[PrivateKeyKey], Blank(section[AuthorityKey]));

    /// <summary>Builds and checks one generation, or says why it is refused.</summary>
    /// <param name="section">The section's path, for the messages.</param>
    /// <param name="values">The values <see cref="ReadValues"/> returned.</param>
    /// <param name="now">The wall clock, for the validity dates.</param>
    /// <param name="generation">The number the accepted generation gets.</param>
    public static TlsReadResult Read(string section, (string? Certificate, string? Key, string? Authority) values, DateTimeOffset now, long generation)
    {
        var (certificatePem, keyPem, authorityPem) = values;
        if (string.IsNullOrWhiteSpace(certificatePem))
        {
            return Refuse($"'{section}:{CertificateKey}' is missing or empty");
        }

        if (string.IsNullOrWhiteSpace(keyPem))
        {
            return Refuse($"'{section}:{PrivateKeyKey}' is missing or empty");
        }

        if (certificatePem.Length > MaxPemChars || keyPem.Length > MaxPemChars || authorityPem?.Length > MaxPemChars)
        {
            return Refuse($"a value of '{section}' is longer than {MaxPemChars} characters; a TLS Secret is a few KB");
        }

        X509Certificate2Collection? authorities = null;
        if (!TryImport(certificatePem, out var chain) || chain.Count == 0)
        {
            Dispose(chain);
            return Refuse($"'{section}:{CertificateKey}' holds no readable PEM certificate (or more than {MaxCertificates})");
        }

        if (authorityPem is not null && (!TryImport(authorityPem, out authorities) || authorities.Count == 0))
        {
            Dispose(chain);
            Dispose(authorities);
            return Refuse($"'{section}:{AuthorityKey}' holds no readable PEM certificate (or more than {MaxCertificates})");
        }

        var result = Build(section, chain, authorities, certificatePem, keyPem, now, generation);
        if (result.Material is null)
        {
            // A refused generation's certificates are released now rather than by the finalizer.
            Dispose(chain);
            Dispose(authorities);
        }

        return result;
    }

    private static TlsReadResult Build(string section, X509Certificate2Collection chain, X509Certificate2Collection? authorities, string certificatePem, string keyPem, DateTimeOffset now, long generation)
    {
        var leafPublic = chain[0];
        var notBefore = new DateTimeOffset(leafPublic.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(leafPublic.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        var named = $"the certificate in '{section}:{CertificateKey}' ({Describe(leafPublic)})";
        if (now >= notAfter)
        {
            return Refuse($"{named} expired at {notAfter:u}");
        }

        if (now < notBefore)
        {
            return new TlsReadResult(null, $"{named} is not valid before {notBefore:u}", notBefore);
        }

        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException && KeyMatchesLater(chain, keyPem) is { } position)
        {
            return Refuse($"'{section}:{CertificateKey}' must start with the leaf: '{section}:{PrivateKeyKey}' matches its certificate number {position + 1} ({Describe(chain[position])}), not the first");
        }
        catch (ArgumentException)
        {
            return Refuse($"'{section}:{PrivateKeyKey}' does not match {named}: the key is of another generation or another certificate");
        }
        catch (CryptographicException)
        {
            return Refuse(IsPrivateKey(keyPem)
                ? $"'{section}:{PrivateKeyKey}' does not match {named}: the key is of another type (RSA for ECDSA or the reverse)"
                : $"'{section}:{PrivateKeyKey}' is not a PEM private key (PKCS#1, PKCS#8 or EC, unencrypted)");
        }

        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use an ephemeral key; a PKCS#12 round trip gives the key a container.
            using var ephemeral = leaf;
            leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        SslStreamCertificateContext context;
        try
        {
            // Offline: the chain is built from what the Secret holds, with no download at publish time.
            context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        }
        catch (CryptographicException)
        {
            leaf.Dispose();
            return Refuse($"{named} cannot be used for TLS on this platform");
        }

        leafPublic.Dispose();
        return new TlsReadResult(new TlsMaterial(leaf, intermediates, context, authorities, generation), null, null);
    }

    /// <summary>Subject, thumbprint and NotAfter: what names a certificate in logs and health.</summary>
    public static string Describe(X509Certificate2 certificate)
        => $"subject '{certificate.Subject}', thumbprint {certificate.Thumbprint}, NotAfter {certificate.NotAfter.ToUniversalTime():u}";

    /// <summary>The position of a certificate after the first that <paramref name="keyPem"/> belongs to (a chain written root or intermediate first), or <see langword="null"/>.</summary>
    private static int? KeyMatchesLater(X509Certificate2Collection chain, string keyPem)
    {
        for (var i = 1; i < chain.Count; i++)
        {
            try
            {
                using var matched = X509Certificate2.CreateFromPem(chain[i].ExportCertificatePem(), keyPem);
                return i;
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="pem"/> holds an RSA or ECDSA private key (of whichever certificate).</summary>
    private static bool IsPrivateKey(string pem)
    {
        foreach (var algorithm in (AsymmetricAlgorithm[])[RSA.Create(), ECDsa.Create()])
        {
            using (algorithm)
            {
                try
                {
                    algorithm.ImportFromPem(pem);
                    return true;
                }
                catch (Exception e) when (e is CryptographicException or ArgumentException)
                {
                }
            }
        }

        return false;
    }

    private static TlsReadResult Refuse(string reason) => new(null, reason, null);

    private static void Dispose(X509Certificate2Collection? certificates)
    {
        foreach (var certificate in certificates ?? [])
        {
            certificate.Dispose();
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static bool TryImport(string pem, out X509Certificate2Collection certificates)
    {
        certificates = [];
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return false;
        }

        return certificates.Count <= MaxCertificates;
    }
}
