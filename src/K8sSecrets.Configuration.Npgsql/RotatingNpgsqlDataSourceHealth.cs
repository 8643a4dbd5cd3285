namespace K8sSecrets.Configuration.Npgsql;

/// <summary>A point-in-time view of a <see cref="RotatingNpgsqlDataSource"/>'s credentials. Holds user names, never a password.</summary>
public sealed class RotatingNpgsqlDataSourceHealth
{
    internal RotatingNpgsqlDataSourceHealth(
        string name,
        string user,
        int pool,
        int poolsCreated,
        int poolsDisposed,
        DateTimeOffset? lastRotation,
        string? rejectedUser,
        string? lastError,
        DateTimeOffset? lastFailure,
        int consecutiveFailures)
    {
        Name = name;
        User = user;
        Pool = pool;
        PoolsCreated = poolsCreated;
        PoolsDisposed = poolsDisposed;
        LastRotation = lastRotation;
        RejectedUser = rejectedUser;
        LastError = lastError;
        LastFailure = lastFailure;
        ConsecutiveFailures = consecutiveFailures;
    }

    /// <summary>Gets the configuration path the data source follows.</summary>
    public string Name { get; }

    /// <summary>Gets the user new connections log in as.</summary>
    public string User { get; }

    /// <summary>Gets the number of the pool new connections come from (1 for the first; a new user means a new pool).</summary>
    public int Pool { get; }

    /// <summary>Gets how many pools were created so far, the first included.</summary>
    public int PoolsCreated { get; }

    /// <summary>Gets how many replaced pools were drained and disposed so far.</summary>
    public int PoolsDisposed { get; }

    /// <summary>Gets when new credentials were last switched to, or <see langword="null"/> if never.</summary>
    public DateTimeOffset? LastRotation { get; }

    /// <summary>Gets the user of the latest configured credentials that failed to log in (and are not used), or <see langword="null"/>.</summary>
    public string? RejectedUser { get; }

    /// <summary>Gets why the latest configured credentials are not used (names the user and the cause, never the password), or <see langword="null"/>.</summary>
    public string? LastError { get; }

    /// <summary>Gets when the latest configured credentials last failed, or <see langword="null"/>.</summary>
    public DateTimeOffset? LastFailure { get; }

    /// <summary>Gets how many tries of the latest configured credentials failed in a row; 0 once they work (or the configuration goes back to working ones).</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>Gets a value indicating whether the data source uses the latest configured credentials.</summary>
    public bool IsHealthy => ConsecutiveFailures == 0;
}
