using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace K8sSecrets.Configuration.Npgsql;

/// <summary>
/// A <see cref="DbDataSource"/> for PostgreSQL whose credentials follow the configuration. Hold it
/// (or the <see cref="DbDataSource"/> it is registered as) for the life of the app: a rotated password
/// for the same user is used by new physical connections of the same pool; a new user (or server,
/// database...) gets a new pool, new connections come from it at once, and the old pool is disposed
/// when its last connection closes or after <see cref="RotatingNpgsqlDataSourceOptions.DrainTimeout"/>.
/// Credentials that fail to log in are not switched to.
/// </summary>
/// <remarks>
/// <see cref="NpgsqlDataSource"/> cannot be derived from outside Npgsql, so this type stands in for
/// it: connections, commands and batches are Npgsql's own, from the current pool.
/// </remarks>
public sealed partial class RotatingNpgsqlDataSource : DbDataSource
{
    private readonly string _name;
    private readonly IOptionsMonitor<RotatingNpgsqlDataSourceOptions> _monitor;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly IDisposable? _subscription;
    private readonly Lock _lock = new();
    private readonly Action<NpgsqlPool> _onLastClosed;
    private readonly List<NpgsqlPool> _retired = [];
    private Task _work = Task.CompletedTask;
    private NpgsqlPool _current;
    private int _poolsCreated;
    private int _poolsDisposed;
    private DateTimeOffset? _lastRotation;
    private string? _rejected;
    private string? _rejectedUser;
    private string? _lastError;
    private DateTimeOffset? _lastFailure;
    private int _failures;
    private ITimer? _retry;
    private bool _disposed;

    internal RotatingNpgsqlDataSource(string name, IOptionsMonitor<RotatingNpgsqlDataSourceOptions> monitor, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        _name = name;
        _monitor = monitor;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<RotatingNpgsqlDataSource>();
        _time = timeProvider ?? TimeProvider.System;
        _onLastClosed = pool => Drained(pool, timedOut: false);

        var options = monitor.Get(name);
        Validate(options);
        var (parsed, problem) = Parse(options);
        var (settings, password) = parsed ?? throw new InvalidOperationException($"The Npgsql data source at '{name}' cannot start: {problem}.");
        _current = NewPool(settings, password, options);
        _subscription = monitor.OnChange((changedOptions, changed) =>
        {
            if (string.Equals(changed, _name, StringComparison.Ordinal))
            {
                _ = RefreshAsync(force: false);
            }
        });
    }

    /// <summary>Gets the current pool's connection string, without its password.</summary>
    public override string ConnectionString => Volatile.Read(ref _current).Key;

    /// <summary>Gets how the data source's credentials are doing, without a request to the server.</summary>
    public RotatingNpgsqlDataSourceHealth Health
    {
        get
        {
            lock (_lock)
            {
                return new RotatingNpgsqlDataSourceHealth(_name, _current.User, _current.Id, _poolsCreated, _poolsDisposed, _lastRotation, _rejectedUser, _lastError, _lastFailure, _failures);
            }
        }
    }

    /// <summary>Creates a connection on the current pool, not yet open. Open it promptly: a pool replaced since may be disposed.</summary>
    /// <returns>An Npgsql connection.</returns>
    public new NpgsqlConnection CreateConnection()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Volatile.Read(ref _current).CreateConnection(_onLastClosed);
    }

    /// <summary>
    /// Opens a connection on the current pool. When the login is refused, the latest configured
    /// credentials are checked and switched to first, then the open is tried once more.
    /// </summary>
    /// <returns>An open Npgsql connection.</returns>
    public new NpgsqlConnection OpenConnection()
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = CreateConnection();
            try
            {
                connection.Open();
                return connection;
            }
            catch (Exception e) when (ShouldRetry(e, attempt))
            {
                connection.Dispose();
                if (e is PostgresException refused)
                {
                    Log.LoginRefused(_logger, _name, Volatile.Read(ref _current).User, refused.SqlState);
                    RefreshAsync(force: true).GetAwaiter().GetResult();
                }
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// Opens a connection on the current pool. When the login is refused, the latest configured
    /// credentials are checked and switched to first, then the open is tried once more.
    /// </summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open Npgsql connection.</returns>
    public new async ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var connection = CreateConnection();
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return connection;
            }
            catch (Exception e) when (ShouldRetry(e, attempt))
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                if (e is PostgresException refused)
                {
                    Log.LoginRefused(_logger, _name, Volatile.Read(ref _current).User, refused.SqlState);
                    await RefreshAsync(force: true).ConfigureAwait(false);
                }
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{nameof(RotatingNpgsqlDataSource)} '{_name}' ({ConnectionString})";

    /// <inheritdoc/>
    protected override DbConnection CreateDbConnection() => CreateConnection();

    /// <inheritdoc/>
    protected override DbConnection OpenDbConnection() => OpenConnection();

    /// <inheritdoc/>
    protected override async ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
        => await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            DisposeAsyncCore().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    protected override async ValueTask DisposeAsyncCore()
    {
        NpgsqlPool[] pools;
        Task work;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _subscription?.Dispose();
            _retry?.Dispose();
            pools = [_current, .. _retired];
            _retired.Clear();
            work = _work;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await work.ConfigureAwait(false);
        Task[] disposals;
        lock (_lock)
        {
            // After the work: a switch that finished during disposal queued its new pool's disposal.
            disposals = [.. _disposals];
        }

        await Task.WhenAll(disposals).ConfigureAwait(false);
        foreach (var pool in pools)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private static bool ShouldRetry(Exception e, int attempt) => e switch
    {
        // A pool replaced (and disposed) between taking it and opening on it: take the new one.
        ObjectDisposedException => attempt < 3,
        PostgresException p => attempt == 0 && IsLoginRefused(p),
        _ => false,
    };

    private static bool IsLoginRefused(PostgresException e)
        => e.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification;

    private static void Validate(RotatingNpgsqlDataSourceOptions options)
    {
        if (options.DrainTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.DrainTimeout, $"{nameof(RotatingNpgsqlDataSourceOptions.DrainTimeout)} must be positive.");
        }

        if (options.RetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RetryInterval, $"{nameof(RotatingNpgsqlDataSourceOptions.RetryInterval)} must be positive.");
        }
    }
}
