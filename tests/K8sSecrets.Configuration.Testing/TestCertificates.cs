using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A throwaway PKI made in-process: a root CA, optionally an intermediate CA, and a server (leaf)
/// certificate for one name, plus the root as a PEM bundle file: the usual private-CA setup.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("test-pki-").FullName;

    /// <param name="serverName">The name the leaf holds: an IP address or a DNS name.</param>
    /// <param name="withIntermediate">Whether the leaf is signed by an intermediate CA rather than the root.</param>
    public TestCertificates(string serverName, bool withIntermediate)
    {
        var now = DateTimeOffset.Now;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Root = CaRequest("CN=Test Root CA", rootKey).CreateSelfSigned(now.AddDays(-1), now.AddDays(2));
        RootBundlePath = Path.Combine(_folder, "root.pem");
        File.WriteAllText(RootBundlePath, Root.ExportCertificatePem());

        var issuer = Root;
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        if (withIntermediate)
        {
            using var intermediatePublic = CaRequest("CN=Test Intermediate CA", intermediateKey).Create(Root, now.AddHours(-2), now.AddDays(1), [9, 9, 9, 9]);
            Intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);
            issuer = Intermediate;
        }

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=" + serverName, leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(serverName, out var ip))
        {
            names.AddIpAddress(ip);
        }
        else
        {
            names.AddDnsName(serverName);
        }

        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var leafPublic = leafRequest.Create(issuer, now.AddHours(-1), now.AddDays(1), [1, 2, 3, 4]);
        using var leafWithKey = leafPublic.CopyWithPrivateKey(leafKey);
        Server = X509CertificateLoader.LoadPkcs12(leafWithKey.Export(X509ContentType.Pkcs12), null);
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2? Intermediate { get; }

    /// <summary>Gets the leaf, with its private key, for the server.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>Gets the certificates the server sends after its own: the intermediate, if any.</summary>
    public X509Certificate2Collection ServedChain => Intermediate is null ? [] : [X509CertificateLoader.LoadCertificate(Intermediate.RawData)];

    /// <summary>Gets a PEM file holding the root only.</summary>
    public string RootBundlePath { get; }

    /// <summary>Writes a file and returns its path, for bundles that are not valid.</summary>
    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        Server.Dispose();
        Intermediate?.Dispose();
        Root.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static CertificateRequest CaRequest(string subject, ECDsa key)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request;
    }
}
