using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.Testing;

/// <summary>Runs the real HealthChecks package over a configuration, as an app's <c>/healthz</c> would.</summary>
public static class SecretsHealth
{
    public static async Task<HealthReportEntry> CheckAsync(IConfiguration configuration, Action<K8sSecrets.Configuration.HealthChecks.KubernetesSecretsHealthCheckOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(configuration);
        services.AddHealthChecks().AddKubernetesSecrets(configure ?? (static _ => { }));
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[K8sSecrets.Configuration.HealthChecks.KubernetesSecretsHealthCheckOptions.DefaultName];
    }
}
