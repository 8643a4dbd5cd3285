using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.Hosting;

/// <summary>
/// Adds the secrets health check to an app that uses health checks, unless the app added one of that
/// name itself. Options are only built when the health check service is, so an app without
/// <c>AddHealthChecks()</c> gets nothing.
/// </summary>
internal sealed class SecretsHealthCheckDefault(HealthCheckRegistration registration) : IPostConfigureOptions<HealthCheckServiceOptions>
{
    public void PostConfigure(string? name, HealthCheckServiceOptions options)
    {
        if (!options.Registrations.Any(r => string.Equals(r.Name, registration.Name, StringComparison.Ordinal)))
        {
            options.Registrations.Add(registration);
        }
    }
}
