using K8sSecrets.Configuration;
using K8sSecrets.Configuration.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds Kubernetes Secrets and external secret stores to a hosted app in one call.</summary>
public static class KubernetesSecretsHostApplicationBuilderExtensions
{
    /// <summary>The configuration section the settings are read from: <c>K8sSecrets</c>.</summary>
    public const string SectionName = "K8sSecrets";

    /// <summary>
    /// Adds a required Secret volume mounted at <paramref name="path"/> (reloaded when the kubelet
    /// rotates it) to <c>builder.Configuration</c>, and everything a hosted app expects; see
    /// <see cref="AddKubernetesSecrets{TBuilder}(TBuilder, Action{KubernetesSecretsBuilder})"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder, for example a <c>WebApplicationBuilder</c>.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="path">The mount folder, an absolute path.</param>
    /// <returns>The host builder.</returns>
    public static TBuilder AddKubernetesSecrets<TBuilder>(this TBuilder builder, string path)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return builder.AddKubernetesSecrets(secrets => secrets.FromVolume(path));
    }

    /// <summary>
    /// Adds the sources <paramref name="configure"/> declares to <c>builder.Configuration</c> and
    /// registers what a hosted app expects, with nothing else to call:
    /// <list type="bullet">
    /// <item>the host's <c>ILoggerFactory</c> is attached to every secrets provider of the app's
    /// configuration (chained ones included) when the host starts, so log levels come from the
    /// <c>Logging</c> section; what was logged before (the first load, failures) is written then, once;</item>
    /// <item>the health check <c>kubernetes-secrets</c>, when the app uses health checks
    /// (<c>AddHealthChecks()</c>) and has not added it itself;</item>
    /// <item>the restart service, when a source declares <c>RestartWhenChanged</c>.</item>
    /// </list>
    /// Settings come from the <c>K8sSecrets</c> section (<c>MinRetryDelay</c>, <c>MaxRetryDelay</c>,
    /// <c>MaxRetryAfter</c>, <c>StartupTimeout</c>, <c>DisableHealthChecks</c>, <c>HealthChecks:FailureThreshold</c>,
    /// <c>HealthChecks:StalenessThreshold</c>, <c>HealthChecks:ExpiryThreshold</c>,
    /// <c>Restart:MinDelay</c>, <c>Restart:MaxDelay</c>), then from <paramref name="configure"/>, which wins.
    /// </summary>
    /// <typeparam name="TBuilder">The host builder, for example a <c>WebApplicationBuilder</c>.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Declares the sources and their shared settings.</param>
    /// <returns>The host builder.</returns>
    /// <exception cref="InvalidOperationException">A setting of the <c>K8sSecrets</c> section is not valid.</exception>
    public static TBuilder AddKubernetesSecrets<TBuilder>(this TBuilder builder, Action<KubernetesSecretsBuilder> configure)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var settings = new HostSettings(builder.Configuration.GetSection(SectionName));
        builder.Configuration.AddKubernetesSecrets(secrets =>
        {
            settings.ApplyTo(secrets);
            configure(secrets);
        });

        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SecretsHostLogging>());
        if (!settings.DisableHealthChecks)
        {
            var registration = settings.HealthCheckRegistration(services);
            services.AddSingleton<IPostConfigureOptions<HealthCheckServiceOptions>>(new SecretsHealthCheckDefault(registration));
        }

        if (builder.Configuration.GetSecretsProviders().Any(static p => RestartRule.For(p) is not null))
        {
            services.AddSecretsRestartFallback(settings.ApplyTo);
        }

        return builder;
    }
}
