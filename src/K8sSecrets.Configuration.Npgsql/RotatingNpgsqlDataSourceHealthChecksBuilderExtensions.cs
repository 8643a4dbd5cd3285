using K8sSecrets.Configuration.Npgsql;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the health check of a <see cref="RotatingNpgsqlDataSource"/>.</summary>
public static class RotatingNpgsqlDataSourceHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check named <c>npgsql:&lt;path&gt;</c> that is degraded while the configured credentials
    /// of the data source registered for <paramref name="configurationPath"/> fail to log in (the last
    /// working ones are still used). It reads the data source's state; it sends no query.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configurationPath">The path given to <c>AddRotatingNpgsqlDataSource</c>.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddRotatingNpgsqlDataSource(this IHealthChecksBuilder builder, string configurationPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(configurationPath);
        return builder.Add(new HealthCheckRegistration(
            "npgsql:" + configurationPath,
            sp => new RotatingNpgsqlDataSourceHealthCheck(sp.GetRequiredKeyedService<RotatingNpgsqlDataSource>(configurationPath)),
            HealthStatus.Degraded,
            ["npgsql", "secrets"]));
    }
}
