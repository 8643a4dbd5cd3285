using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A throwaway PKI made with <see cref="CertificateRequest"/>: a root, an intermediate under it, and
/// leaves (RSA or ECDSA) for 127.0.0.1 and localhost, written as cert-manager writes a
/// <c>kubernetes.io/tls</c> Secret (tls.crt = leaf then intermediate, tls.key, ca.crt = root).
/// </summary>
public sealed class Pki : IDisposable
{
    private static int _serial;

    public Pki(string name = "Test")
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Root = CaRequest($"CN={name} Root CA", rootKey).CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var intermediatePublic = CaRequest($"CN={name} Intermediate CA", intermediateKey).Create(Root, now.AddHours(-2), now.AddDays(20), Serial());
        Intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    public string RootPem => Root.ExportCertificatePem() + "\n";

    /// <summary>Issues a leaf under the intermediate; <paramref name="keyFormat"/> picks the PEM the key is written in.</summary>
    public Leaf Issue(KeyFormat keyFormat = KeyFormat.Pkcs8, bool rsa = false, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, string? dnsName = "localhost", bool ipAddress = true)
    {
        var now = DateTimeOffset.UtcNow;
        AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var _ = key;
        var subject = $"CN=leaf-{Interlocked.Increment(ref _serial)}";
        var request = rsa
            ? new CertificateRequest(subject, (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest(subject, (ECDsa)key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (ipAddress)
        {
            names.AddIpAddress(IPAddress.Loopback);
        }

        if (dnsName is not null)
        {
            names.AddDnsName(dnsName);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var issuerKey = Intermediate.GetECDsaPrivateKey()!;
        using var certificate = request.Create(Intermediate.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore ?? now.AddMinutes(-5), notAfter ?? now.AddDays(10), Serial());
        var keyPem = keyFormat switch
        {
            KeyFormat.Pkcs1 => ((RSA)key).ExportRSAPrivateKeyPem(),
            KeyFormat.Ec => ((ECDsa)key).ExportECPrivateKeyPem(),
            _ => key.ExportPkcs8PrivateKeyPem(),
        };
        var chain = certificate.ExportCertificatePem() + "\n" + Intermediate.ExportCertificatePem() + "\n";
        return new Leaf(chain, keyPem, certificate.Thumbprint);
    }

    public void Dispose()
    {
        Intermediate.Dispose();
        Root.Dispose();
    }

    private static byte[] Serial() => BitConverter.GetBytes(Interlocked.Increment(ref _serial) + 1000L);

    private static CertificateRequest CaRequest(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request;
    }
}
