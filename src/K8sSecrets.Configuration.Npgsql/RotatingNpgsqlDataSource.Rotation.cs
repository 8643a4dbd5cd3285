using Npgsql;

namespace K8sSecrets.Configuration.Npgsql;

public sealed partial class RotatingNpgsqlDataSource
{
    private readonly List<Task> _disposals = [];
    private int _poolSerial;
    private Task? _queued;
    private bool _queuedForce;
    private long _queuedId;

    /// <summary>
    /// Queues one look at the configuration after the ones already queued (one at a time); the task
    /// completes when it is done. A look already queued and not started serves the new request too,
    /// so a burst of refused logins costs one more login attempt, not one per refusal.
    /// </summary>
    private Task RefreshAsync(bool force)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return Task.CompletedTask;
            }

            if (_queued is { } queued && (_queuedForce || !force))
            {
                return queued;
            }

            var id = ++_queuedId;
            _work = RunAfterAsync(_work, force, id);
            (_queued, _queuedForce) = (_work, force);
            return _work;
        }
    }

    private async Task RunAfterAsync(Task previous, bool force, long id)
    {
        await previous.ConfigureAwait(false);
        await Task.Yield();
        lock (_lock)
        {
            if (_queuedId == id)
            {
                _queued = null;
            }
        }

        try
        {
            await ReconcileAsync(force).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A throwing options callback or builder: the type only, its message may quote settings.
            var problem = $"the new settings could not be applied ({e.GetType().Name} from the options or the Npgsql builder)";
            Log.ConfigurationInvalid(_logger, _name, problem);
            Reject(string.Empty, problem, candidate: null, RetrySettings());
        }
    }

    private RotatingNpgsqlDataSourceOptions RetrySettings()
    {
        try
        {
            return _monitor.Get(_name);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new RotatingNpgsqlDataSourceOptions();
        }
    }

    private async Task ReconcileAsync(bool force)
    {
        var options = _monitor.Get(_name);
        var (parsed, problem) = Parse(options);
        if (parsed is null)
        {
            Log.ConfigurationInvalid(_logger, _name, problem!);
            Reject(string.Empty, problem!, candidate: null, options);
            return;
        }

        var (settings, password) = parsed.Value;
        var key = settings.ConnectionString;
        var user = settings.Username ?? string.Empty;
        var current = Volatile.Read(ref _current);
        if (key == current.Key && password == current.Password)
        {
            if (ClearFailure())
            {
                Log.Restored(_logger, _name, user);
            }

            return;
        }

        var candidate = key + "\0" + password;
        lock (_lock)
        {
            if (!force && candidate == _rejected)
            {
                return;
            }
        }

        if (key == current.Key)
        {
            await using var probe = new NpgsqlPool(0, WithoutPooling(settings), password, options.ConfigureDataSource, _loggerFactory);
            if (await TryLoginAsync(probe, password).ConfigureAwait(false) is { } error)
            {
                Reject(user, error, candidate, options);
                return;
            }

            current.Password = password;
            lock (_lock)
            {
                _lastRotation = _time.GetUtcNow();
            }

            ClearFailure();
            NpgsqlRotationTelemetry.Rotations.Add(1, NpgsqlRotationTelemetry.Tags(_name, "password"));
            Log.PasswordRotated(_logger, _name, user, current.Id);
            return;
        }

        var pool = new NpgsqlPool(0, settings, password, options.ConfigureDataSource, _loggerFactory);
        if (await TryLoginAsync(pool, password).ConfigureAwait(false) is { } refused)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
            Reject(user, refused, candidate, options);
            return;
        }

        NpgsqlPool old;
        lock (_lock)
        {
            if (_disposed)
            {
                _disposals.Add(pool.DisposeAsync().AsTask());
                return;
            }

            old = _current;
            pool.Id = ++_poolSerial;
            Volatile.Write(ref _current, pool);
            _poolsCreated++;
            _lastRotation = _time.GetUtcNow();
            old.Retired = true;
            _retired.Add(old);
            old.DrainTimer = _time.CreateTimer(static state => ((Action)state!)(), (Action)(() => Drained(old, timedOut: true)), options.DrainTimeout, Timeout.InfiniteTimeSpan);
        }

        ClearFailure();
        NpgsqlRotationTelemetry.Rotations.Add(1, NpgsqlRotationTelemetry.Tags(_name, "pool"));
        Log.Switched(_logger, _name, old.User, old.Id, user, pool.Id, options.DrainTimeout);

        // Idle connections of the old pool close now, busy ones as they are returned; the pool goes when the last one closes.
        old.DataSource.Clear();
        Drained(old, timedOut: false);
    }

    private NpgsqlPool NewPool(NpgsqlConnectionStringBuilder settings, string password, RotatingNpgsqlDataSourceOptions options)
    {
        _poolsCreated++;
        return new NpgsqlPool(++_poolSerial, settings, password, options.ConfigureDataSource, _loggerFactory);
    }

    /// <summary>Logs in once through <paramref name="pool"/> (a new pool keeps the connection, warm); the error (never the password) or <see langword="null"/>.</summary>
    private async Task<string?> TryLoginAsync(NpgsqlPool pool, string password)
    {
        try
        {
            await using var connection = pool.DataSource.CreateConnection();
            await connection.OpenAsync(_stopping.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var text = e is PostgresException p ? $"{p.SqlState} {p.MessageText}" : $"{e.GetType().Name}: {e.Message}";
            return password.Length == 0 ? text : text.Replace(password, "***", StringComparison.Ordinal);
        }
    }

    private void Reject(string user, string error, string? candidate, RotatingNpgsqlDataSourceOptions options)
    {
        string currentUser;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _rejected = candidate;
            _rejectedUser = user;
            _lastError = user.Length == 0 ? error : $"user '{user}': {error}";
            _lastFailure = _time.GetUtcNow();
            _failures++;
            currentUser = _current.User;
            _retry?.Dispose();
            _retry = candidate is null
                ? null
                : _time.CreateTimer(static state => ((Action)state!)(), (Action)(() => _ = RefreshAsync(force: true)), options.RetryInterval, Timeout.InfiniteTimeSpan);
        }

        NpgsqlRotationTelemetry.Rotations.Add(1, NpgsqlRotationTelemetry.Tags(_name, "rejected"));
        if (candidate is not null)
        {
            Log.Rejected(_logger, _name, user, error, currentUser, options.RetryInterval);
        }
    }

    /// <summary>Forgets the last rejection; true if there was one.</summary>
    private bool ClearFailure()
    {
        lock (_lock)
        {
            var had = _failures > 0;
            _rejected = null;
            _rejectedUser = null;
            _lastError = null;
            _failures = 0;
            _retry?.Dispose();
            _retry = null;
            return had;
        }
    }

    /// <summary>Disposes a retired pool once: when its last connection closed, or at the drain timeout.</summary>
    private void Drained(NpgsqlPool pool, bool timedOut)
    {
        var open = pool.OpenConnections;
        if (!pool.TryClose(force: timedOut))
        {
            return;
        }

        lock (_lock)
        {
            if (!_retired.Remove(pool))
            {
                return;
            }

            _disposals.RemoveAll(t => t.IsCompleted);
            _disposals.Add(Task.Run(() => DisposeRetiredAsync(pool, timedOut ? $"the drain timeout passed with {open} connection(s) still open" : "its last connection closed")));
        }

        NpgsqlRotationTelemetry.PoolsDisposed.Add(1, NpgsqlRotationTelemetry.DisposedTags(_name, timedOut ? "timeout" : "drained"));
    }

    private async Task DisposeRetiredAsync(NpgsqlPool pool, string reason)
    {
        await pool.DisposeAsync().ConfigureAwait(false);
        lock (_lock)
        {
            _poolsDisposed++;
        }

        Log.PoolDisposed(_logger, _name, pool.Id, pool.User, reason);
    }

    private static ((NpgsqlConnectionStringBuilder Settings, string Password)? Parsed, string? Problem) Parse(RotatingNpgsqlDataSourceOptions options)
    {
        if (options.ConfigurationProblem is { } problem)
        {
            return (null, problem);
        }

        if (options.ConnectionString is null)
        {
            return (null, "no connection string was configured");
        }

        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            return (null, "the connection string set by the options could not be parsed; write it as 'Host=...;Username=...;Password=...'");
        }

        var password = settings.Password ?? string.Empty;
        settings.Password = null;
        return ((settings, password), null);
    }

    private static NpgsqlConnectionStringBuilder WithoutPooling(NpgsqlConnectionStringBuilder settings)
        => new(settings.ConnectionString) { Pooling = false };
}
