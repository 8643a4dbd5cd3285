using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace K8sSecrets.Configuration.AspNetCore.Tests;

/// <summary>
/// A plain HttpClient that trusts only <paramref name="root"/> (so a handshake succeeds only if the
/// server sends its intermediate) and, when given, presents a fixed client certificate.
/// </summary>
public static class ProbeClient
{
    public static SocketsHttpHandler Handler(X509Certificate2 root, X509Certificate2? clientCertificate = null)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(root);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = policy;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, errors) => errors == SslPolicyErrors.None;
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }
}
