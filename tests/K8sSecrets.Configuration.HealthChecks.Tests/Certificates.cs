using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sSecrets.Configuration.HealthChecks.Tests;

internal static class Certificates
{
    public static string SelfSignedPem(DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=web-sample", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(notAfter.AddDays(-30), notAfter);
        return certificate.ExportCertificatePem() + "\n";
    }
}
