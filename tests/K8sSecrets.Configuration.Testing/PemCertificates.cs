using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sSecrets.Configuration.Testing;

/// <summary>Certificates made in the test with <see cref="CertificateRequest"/>, for the engine's expiry rules: CAs, leaves, PEM text.</summary>
public static class PemCertificates
{
    /// <summary>A self-signed CA (basic constraints CA=true), with its key so it can issue.</summary>
    public static X509Certificate2 Ca(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>A self-signed certificate with no extensions at all, as an old v1 root is.</summary>
    public static X509Certificate2 SelfSignedWithoutExtensions(string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>A CA issued by <paramref name="issuer"/> (an intermediate), with its key.</summary>
    public static X509Certificate2 IntermediateCa(string subject, X509Certificate2 issuer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var issued = request.Create(issuer, notBefore, notAfter, [7, 7, 7, 7]);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>A server certificate issued by <paramref name="issuer"/> (basic constraints CA=false).</summary>
    public static X509Certificate2 Leaf(string subject, X509Certificate2 issuer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        return request.Create(issuer, notBefore, notAfter, [1, 2, 3, 4]);
    }

    /// <summary>The certificates as PEM, one after the other, in the order given.</summary>
    public static string Pem(params X509Certificate2[] certificates)
        => string.Concat(certificates.Select(static c => c.ExportCertificatePem() + "\n"));
}
