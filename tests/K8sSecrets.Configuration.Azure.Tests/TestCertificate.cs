using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>A self-signed server certificate for 127.0.0.1, made once per test run, and a handler that trusts only it.</summary>
public static class TestCertificate
{
    private static readonly Lazy<X509Certificate2> s_certificate = new(Create);

    public static X509Certificate2 Certificate => s_certificate.Value;

    /// <summary>A handler that accepts exactly the test certificate (pinned by its hash) and nothing else.</summary>
    public static SocketsHttpHandler TrustingHandler()
    {
        var pinned = Certificate.GetCertHashString();
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && string.Equals(certificate.GetCertHashString(), pinned, StringComparison.OrdinalIgnoreCase);
        return handler;
    }

    private static X509Certificate2 Create()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=fake-keyvault", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }
}
