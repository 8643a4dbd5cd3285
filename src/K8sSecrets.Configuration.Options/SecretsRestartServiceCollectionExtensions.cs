using K8sSecrets.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the service that restarts the application when secrets declared with <c>RestartWhenChanged</c> change.</summary>
public static class SecretsRestartServiceCollectionExtensions
{
    /// <summary>
    /// Adds the hosted service behind <c>RestartWhenChanged</c>, with the default window (a random
    /// delay of 0 to 5 minutes).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSecretsRestartFallback(this IServiceCollection services)
        => services.AddSecretsRestartFallback(static _ => { });

    /// <summary>Adds the hosted service behind <c>RestartWhenChanged</c>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the delay window.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSecretsRestartFallback(this IServiceCollection services, Action<SecretsRestartOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SecretsRestartOptions>()
            .Configure(configure)
            .Validate(
                static o => o.MinDelay >= TimeSpan.Zero && o.MaxDelay >= o.MinDelay,
                "SecretsRestartOptions: MinDelay must not be negative and MaxDelay must not be smaller than MinDelay.");
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SecretsRestartService>());
        return services;
    }
}
