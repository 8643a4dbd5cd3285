using K8sSecrets.Configuration.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the secrets health check.</summary>
public static class KubernetesSecretsHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check named <c>kubernetes-secrets</c> over every secret source of the app's
    /// <see cref="IConfiguration"/>, with the default thresholds (3 failures or 10 minutes without a
    /// good read while failing; expiry within 7 days).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddKubernetesSecrets(this IHealthChecksBuilder builder)
        => AddKubernetesSecrets(builder, static _ => { });

    /// <summary>Adds the secrets health check with the name, tags and thresholds <paramref name="configure"/> sets.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Sets the name, tags and thresholds.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddKubernetesSecrets(this IHealthChecksBuilder builder, Action<KubernetesSecretsHealthCheckOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new KubernetesSecretsHealthCheckOptions();
        configure(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Name, nameof(configure));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.FailureThreshold, 1, nameof(configure));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.StalenessThreshold, TimeSpan.Zero, nameof(configure));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ExpiryThreshold, TimeSpan.Zero, nameof(configure));

        KubernetesSecretsHealthCheck? check = null;
        return builder.Add(new HealthCheckRegistration(
            options.Name,
            services =>
            {
                // One check per configuration: it caches the providers it found.
                var configuration = services.GetRequiredService<IConfiguration>();
                var current = check;
                return current is not null && current.Configuration == configuration
                    ? current
                    : check = new KubernetesSecretsHealthCheck(configuration, options);
            },
            failureStatus: null,
            tags: options.Tags));
    }
}
