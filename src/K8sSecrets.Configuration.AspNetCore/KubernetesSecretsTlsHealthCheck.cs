using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.AspNetCore;

/// <summary>
/// Reports the TLS sections in use: Unhealthy when a section has no usable certificate or the one in
/// use has expired; Degraded when the latest change was refused (the reason is named) or the one in
/// use expires within 7 days; Healthy otherwise. The data names each section's certificate in use
/// (subject, thumbprint, NotAfter); never key material.
/// </summary>
internal sealed class KubernetesSecretsTlsHealthCheck : IHealthCheck
{
    internal static readonly TimeSpan ExpiryThreshold = TimeSpan.FromDays(7);

    private readonly KubernetesSecretsCertificates _certificates;

    public KubernetesSecretsTlsHealthCheck(KubernetesSecretsCertificates certificates) => _certificates = certificates;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = _certificates.Time.GetUtcNow();
        var status = HealthStatus.Healthy;
        string? worst = null;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var monitor in _certificates.Monitors)
        {
            var current = monitor.Current;
            var refusal = monitor.Refusal;
            data[monitor.Section] = current is null
                ? $"none; {refusal}"
                : $"subject '{current.Subject}', thumbprint {current.Thumbprint}, NotAfter {current.NotAfter:u}" + (refusal is null ? string.Empty : $"; latest change refused: {refusal}");
            var (sectionStatus, why) =
                current is null ? (HealthStatus.Unhealthy, $"has no usable certificate: {refusal}")
                : current.NotAfter <= now ? (HealthStatus.Unhealthy, $"serves certificate {current.Thumbprint}, which expired at {current.NotAfter:u}")
                : refusal is not null ? (HealthStatus.Degraded, $"keeps certificate {current.Thumbprint}: the latest change is refused: {refusal}")
                : current.NotAfter - now <= ExpiryThreshold ? (HealthStatus.Degraded, $"serves certificate {current.Thumbprint}, which expires at {current.NotAfter:u}")
                : (HealthStatus.Healthy, null);
            if (sectionStatus < status)
            {
                status = sectionStatus;
                worst = $"TLS '{monitor.Section}' {why}";
            }
        }

        return Task.FromResult(new HealthCheckResult(status, worst ?? "Every TLS certificate in use is current.", exception: null, data));
    }
}
