using K8sSecrets.Configuration.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services that make TLS certificates follow a rotating Kubernetes Secret.</summary>
public static class KubernetesSecretsTlsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the shared state of the TLS sections (one per section name, read from the app's
    /// <see cref="IConfiguration"/>, logging through its <see cref="ILoggerFactory"/>, timed by its
    /// <see cref="TimeProvider"/> if one is registered). Calling it again does nothing.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddKubernetesSecretsTls(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(static provider => new KubernetesSecretsCertificates(
            provider.GetRequiredService<IConfiguration>(),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>()));
        return services;
    }
}
