using K8sSecrets.Configuration.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes a named or typed <see cref="System.Net.Http.HttpClient"/> present a client certificate that follows a rotating Secret.</summary>
public static class KubernetesSecretsTlsHttpClientBuilderExtensions
{
    /// <summary>
    /// Presents the certificate of configuration section <paramref name="section"/> (<c>tls.crt</c>
    /// with its intermediates, <c>tls.key</c>) on every new connection, and, when the section has a
    /// <c>ca.crt</c>, trusts only those CAs for the server (host names are still checked). A request
    /// sent after a new certificate is published uses a new connection; the old certificate's
    /// connections close within <see cref="KubernetesSecretsClientCertificateOptions.RetiredConnectionLifetime"/> (2 minutes).
    /// Replaces the client's primary handler.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="section">The configuration section holding the Secret's keys, for example <c>ClientTls</c>.</param>
    /// <returns>The HttpClient builder.</returns>
    public static IHttpClientBuilder UseKubernetesSecretsClientCertificate(this IHttpClientBuilder builder, string section)
        => UseKubernetesSecretsClientCertificate(builder, section, static _ => { });

    /// <summary>Presents the certificate of <paramref name="section"/>, with the settings <paramref name="configure"/> sets.</summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="section">The configuration section holding the Secret's keys.</param>
    /// <param name="configure">Sets the retirement time and adjusts each handler.</param>
    /// <returns>The HttpClient builder.</returns>
    public static IHttpClientBuilder UseKubernetesSecretsClientCertificate(this IHttpClientBuilder builder, string section, Action<KubernetesSecretsClientCertificateOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new KubernetesSecretsClientCertificateOptions();
        configure(options);
        if (options.RetiredConnectionLifetime < TimeSpan.Zero || options.RetiredConnectionLifetime > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.RetiredConnectionLifetime, "RetiredConnectionLifetime must be between zero and one day.");
        }

        builder.Services.AddKubernetesSecretsTls();
        return builder.ConfigurePrimaryHttpMessageHandler(services =>
        {
            var certificates = KubernetesSecretsCertificates.From(services);
            return new RotatingClientHandler(certificates.Get(section), options, certificates.Time);
        });
    }
}
