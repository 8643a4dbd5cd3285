using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K8sSecrets.Configuration.AspNetCore;

/// <summary>
/// One accepted generation of a TLS Secret, built once when it was published: the leaf with its key,
/// the handshake context that serves the intermediates, and the CAs of <c>ca.crt</c> (if any). The
/// objects of a superseded generation are never disposed by the library: a handshake may still hold them.
/// </summary>
internal sealed class TlsMaterial
{
    public TlsMaterial(X509Certificate2 certificate, X509Certificate2Collection intermediates, SslStreamCertificateContext context, X509Certificate2Collection? authorities, long generation)
    {
        Certificate = certificate;
        Intermediates = intermediates;
        Context = context;
        Authorities = authorities;
        Generation = generation;
        Thumbprint = certificate.Thumbprint;
        Subject = certificate.Subject;
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
    }

    /// <summary>Gets the leaf certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Gets the certificates after the leaf in <c>tls.crt</c>.</summary>
    public X509Certificate2Collection Intermediates { get; }

    /// <summary>Gets the handshake context: the leaf and the intermediates it sends.</summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary>Gets the certificates of <c>ca.crt</c>, or <see langword="null"/> when the Secret has none.</summary>
    public X509Certificate2Collection? Authorities { get; }

    /// <summary>Gets the number of this generation: 1 for the first accepted, then one more per accepted change.</summary>
    public long Generation { get; }

    public string Thumbprint { get; }

    public string Subject { get; }

    public DateTimeOffset NotAfter { get; }

    /// <summary>
    /// A chain policy that trusts only <see cref="Authorities"/> (custom root trust) for a peer
    /// certificate of <paramref name="purpose"/>; with no <c>ca.crt</c>, a policy that trusts nothing
    /// (fail closed: a Secret that lost its CA must not widen trust).
    /// </summary>
    /// <param name="purpose">The extended key usage the peer's certificate must allow (server or client authentication).</param>
    public X509ChainPolicy CreateTrustPolicy(Oid purpose)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            // A private CA (cert-manager's CA issuer, Vault PKI) publishes no revocation list by default.
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.ApplicationPolicy.Add(purpose);
        if (Authorities is not null)
        {
            policy.CustomTrustStore.AddRange(Authorities);
        }

        return policy;
    }

    /// <summary>The extended key usage of a TLS server certificate.</summary>
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>The extended key usage of a TLS client certificate.</summary>
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
}
