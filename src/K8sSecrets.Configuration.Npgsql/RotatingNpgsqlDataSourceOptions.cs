using Npgsql;

namespace K8sSecrets.Configuration.Npgsql;

/// <summary>
/// How a <see cref="RotatingNpgsqlDataSource"/> follows its configuration. Named after the
/// configuration path given to <c>AddRotatingNpgsqlDataSource</c>; <see cref="ConnectionString"/> is
/// filled from that path every time the configuration reloads.
/// </summary>
public sealed class RotatingNpgsqlDataSourceOptions
{
    /// <summary>
    /// Gets or sets the connection string, password included. Filled from the configuration path:
    /// its own value (for example <c>ConnectionStrings:Db</c>), else its <c>ConnectionString</c> key,
    /// with every other key below the path (<c>Host</c>, <c>Username</c>, <c>Password</c>...) set on top
    /// as an Npgsql connection-string keyword.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets how long a pool replaced after a user change may keep serving the connections it
    /// had open before it is disposed anyway. A pool is disposed as soon as its last connection
    /// closes. Default 30 seconds; keep it under what is left of the old credentials' lease.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long to wait before trying again credentials that failed to log in, when no
    /// new configuration comes first. Default 30 seconds.
    /// </summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets a callback applied to the builder of every pool (type mappings, plugins, logging
    /// options...). It runs once per pool; it must not set a password or a password provider.
    /// </summary>
    public Action<NpgsqlDataSourceBuilder>? ConfigureDataSource { get; set; }

    /// <summary>Gets or sets what was wrong with the configuration (names the key, never a value), or <see langword="null"/>.</summary>
    internal string? ConfigurationProblem { get; set; }
}
