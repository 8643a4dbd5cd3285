using K8sSecrets.Configuration.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the health check of the TLS certificates that follow Secrets.</summary>
public static class KubernetesSecretsTlsHealthChecksBuilderExtensions
{
    /// <summary>The name the check is registered under: <c>kubernetes-secrets-tls</c>.</summary>
    public const string DefaultName = "kubernetes-secrets-tls";

    /// <summary>
    /// Adds a check named <c>kubernetes-secrets-tls</c> over every TLS section in use (by Kestrel or an
    /// HttpClient): Unhealthy without a usable or with an expired certificate, Degraded when the latest
    /// change was refused (naming why) or the certificate in use expires within 7 days.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddKubernetesSecretsTls(this IHealthChecksBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKubernetesSecretsTls();
        return builder.Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            DefaultName,
            static services => new KubernetesSecretsTlsHealthCheck(KubernetesSecretsCertificates.From(services)),
            failureStatus: null,
            tags: null));
    }
}
