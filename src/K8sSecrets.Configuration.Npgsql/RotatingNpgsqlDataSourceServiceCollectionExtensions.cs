using System.Data.Common;
using K8sSecrets.Configuration.Npgsql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a PostgreSQL data source whose credentials follow the configuration.</summary>
public static class RotatingNpgsqlDataSourceServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="RotatingNpgsqlDataSource"/> that follows the configuration at
    /// <paramref name="configurationPath"/>: a connection string there (<c>ConnectionStrings:Db</c>), or a
    /// section of Npgsql keywords (<c>Database:Host</c>, <c>Database:Username</c>, <c>Database:Password</c>...,
    /// and optionally <c>Database:ConnectionString</c> under them). It is registered as itself and as
    /// <see cref="DbDataSource"/>, and keyed by <paramref name="configurationPath"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configurationPath">The configuration path, for example <c>Database</c> or <c>ConnectionStrings:Db</c>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddRotatingNpgsqlDataSource(this IServiceCollection services, string configurationPath)
        => AddRotatingNpgsqlDataSource(services, configurationPath, static _ => { });

    /// <summary>
    /// Registers a <see cref="RotatingNpgsqlDataSource"/> that follows the configuration at
    /// <paramref name="configurationPath"/>, with its options.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configurationPath">The configuration path, for example <c>Database</c> or <c>ConnectionStrings:Db</c>.</param>
    /// <param name="configure">Sets the options (drain timeout, retry interval, the Npgsql builder callback).</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddRotatingNpgsqlDataSource(this IServiceCollection services, string configurationPath, Action<RotatingNpgsqlDataSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(configurationPath);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions();
        services.AddSingleton<IConfigureOptions<RotatingNpgsqlDataSourceOptions>>(sp => new SectionConnectionString(configurationPath, sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<IOptionsChangeTokenSource<RotatingNpgsqlDataSourceOptions>>(sp => new SectionConnectionString(configurationPath, sp.GetRequiredService<IConfiguration>()));
        services.Configure(configurationPath, configure);
        services.AddKeyedSingleton(configurationPath, (sp, _) => new RotatingNpgsqlDataSource(
            configurationPath,
            sp.GetRequiredService<IOptionsMonitor<RotatingNpgsqlDataSourceOptions>>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => sp.GetRequiredKeyedService<RotatingNpgsqlDataSource>(configurationPath));
        services.TryAddSingleton<DbDataSource>(sp => sp.GetRequiredKeyedService<RotatingNpgsqlDataSource>(configurationPath));
        services.AddKeyedSingleton<DbDataSource>(configurationPath, (sp, key) => sp.GetRequiredKeyedService<RotatingNpgsqlDataSource>(key));
        return services;
    }
}
