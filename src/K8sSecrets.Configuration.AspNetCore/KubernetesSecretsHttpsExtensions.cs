using K8sSecrets.Configuration.AspNetCore;
using Microsoft.AspNetCore.Connections;

namespace Microsoft.AspNetCore.Server.Kestrel.Https;

/// <summary>Makes a Kestrel HTTPS endpoint follow a rotating <c>kubernetes.io/tls</c> Secret read into configuration.</summary>
public static class KubernetesSecretsHttpsExtensions
{
    /// <summary>
    /// Serves the certificate of configuration section <paramref name="section"/>: <c>tls.crt</c>
    /// (the leaf, then the intermediates, all sent in the handshake) and <c>tls.key</c> (PKCS#1, PKCS#8
    /// or EC PEM). Each published change is checked once (the key matches, the dates are valid) and,
    /// if accepted, used by every handshake that starts after it; open connections keep theirs. A
    /// refused change keeps the last good certificate (see the <c>kubernetes-secrets-tls</c> health check).
    /// Works for HTTP/1.1 and HTTP/2 over TCP (Kestrel does not allow <c>OnAuthenticate</c> for HTTP/3).
    /// </summary>
    /// <param name="https">The HTTPS options of the endpoint (or of <c>ConfigureHttpsDefaults</c>).</param>
    /// <param name="services">The app's services (<c>KestrelServerOptions.ApplicationServices</c>), where <c>AddKubernetesSecretsTls()</c> registered its state.</param>
    /// <param name="section">The configuration section holding the Secret's keys, for example <c>Tls</c>.</param>
    /// <returns>The HTTPS options.</returns>
    /// <exception cref="InvalidOperationException">No usable certificate is in the section (the message names the key and the reason), or the services are not registered.</exception>
    public static HttpsConnectionAdapterOptions UseKubernetesSecretsCertificate(this HttpsConnectionAdapterOptions https, IServiceProvider services, string section)
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        var monitor = KubernetesSecretsCertificates.From(services).Get(section);
        monitor.GetRequired();

        // Kestrel requires a certificate or a selector; the selector is what a caller that replaces
        // OnAuthenticate still gets. OnAuthenticate (per handshake, after Kestrel's own settings) hands
        // SslStream the prebuilt context, which serves the intermediates too.
        https.ServerCertificate = null;
        https.ServerCertificateSelector = (_, _) => monitor.GetRequired().Certificate;
        Chain(https, (_, ssl) =>
        {
            ssl.ServerCertificateSelectionCallback = null;
            ssl.ServerCertificate = null;
            ssl.ServerCertificateContext = monitor.GetRequired().Context;
        });
        return https;
    }

    /// <summary>
    /// Requires a client certificate (mTLS) issued by a CA of <c>ca.crt</c> in configuration section
    /// <paramref name="section"/>, and only by those CAs (custom root trust, no system roots, no
    /// revocation check). The CAs follow the Secret's rotations as the server certificate does; during a
    /// CA rotation put both CAs in <c>ca.crt</c>. A later generation without <c>ca.crt</c> trusts no
    /// client (fail closed) until one with <c>ca.crt</c> is published.
    /// </summary>
    /// <param name="https">The HTTPS options of the endpoint (or of <c>ConfigureHttpsDefaults</c>).</param>
    /// <param name="services">The app's services, where <c>AddKubernetesSecretsTls()</c> registered its state.</param>
    /// <param name="section">The configuration section holding <c>ca.crt</c> (often the same as the server certificate's).</param>
    /// <returns>The HTTPS options.</returns>
    /// <exception cref="InvalidOperationException">The section has no usable generation or no <c>ca.crt</c>, or the services are not registered.</exception>
    public static HttpsConnectionAdapterOptions RequireKubernetesSecretsClientCertificate(this HttpsConnectionAdapterOptions https, IServiceProvider services, string section)
    {
        ArgumentNullException.ThrowIfNull(https);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        var monitor = KubernetesSecretsCertificates.From(services).Get(section);
        if (monitor.GetRequired().Authorities is null)
        {
            throw new InvalidOperationException($"Client certificates cannot be checked: configuration section '{section}' has no 'ca.crt'. Issue the Secret from a CA issuer (cert-manager writes ca.crt), or add the CA bundle under '{section}:ca.crt'.");
        }

        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
        Chain(https, (_, ssl) => ssl.CertificateChainPolicy = monitor.GetRequired().CreateTrustPolicy(TlsMaterial.ClientAuthentication));
        return https;
    }

    private static void Chain(HttpsConnectionAdapterOptions https, Action<ConnectionContext, System.Net.Security.SslServerAuthenticationOptions> next)
    {
        var previous = https.OnAuthenticate;
        https.OnAuthenticate = previous is null ? next : (connection, ssl) =>
        {
            previous(connection, ssl);
            next(connection, ssl);
        };
    }
}
