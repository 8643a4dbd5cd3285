using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace K8sSecrets.Configuration.Npgsql;

/// <summary>
/// One Npgsql pool (an <see cref="NpgsqlDataSource"/>) for one user and everything else in the
/// connection string but the password, which it reads at each new physical connection from
/// <see cref="Password"/>. Counts the connections open on it so that a retired pool is disposed as
/// soon as its last one closes.
/// </summary>
internal sealed class NpgsqlPool : IAsyncDisposable
{
    private const int Closed = -1;
    private string _password;
    private int _open;
    private bool _retired;

    public NpgsqlPool(int id, NpgsqlConnectionStringBuilder withoutPassword, string password, Action<NpgsqlDataSourceBuilder>? configure, ILoggerFactory loggerFactory)
    {
        Id = id;
        Key = withoutPassword.ConnectionString;
        User = withoutPassword.Username ?? string.Empty;
        _password = password;
        var builder = new NpgsqlDataSourceBuilder(Key);
        builder.UseLoggerFactory(loggerFactory);
        configure?.Invoke(builder);
        builder.UsePasswordProvider(_ => Password, (_, _) => ValueTask.FromResult(Password));
        DataSource = builder.Build();
    }

    /// <summary>Gets or sets the pool's number: given when it goes into service (a pool that fails its first login gets none).</summary>
    public int Id { get; set; }

    /// <summary>Gets the connection string without its password: what identifies the pool, safe to print.</summary>
    public string Key { get; }

    public string User { get; }

    public NpgsqlDataSource DataSource { get; }

    public string Password
    {
        get => Volatile.Read(ref _password);
        set => Volatile.Write(ref _password, value);
    }

    public bool Retired
    {
        get => Volatile.Read(ref _retired);
        set => Volatile.Write(ref _retired, value);
    }

    public ITimer? DrainTimer { get; set; }

    public int OpenConnections => Math.Max(0, Volatile.Read(ref _open));

    /// <summary>Creates a connection on this pool whose opening and closing are counted.</summary>
    public NpgsqlConnection CreateConnection(Action<NpgsqlPool> onLastClosed)
    {
        var connection = DataSource.CreateConnection();
        var entered = false;
        connection.StateChange += (_, e) =>
        {
            if (e.CurrentState == ConnectionState.Open && !entered)
            {
                entered = Enter();
            }
            else if (e.CurrentState != ConnectionState.Open && entered)
            {
                entered = false;
                if (Exit() && Retired)
                {
                    onLastClosed(this);
                }
            }
        };
        return connection;
    }

    /// <summary>Closes the pool for business if nothing is open on it (or <paramref name="force"/>); true once, for the caller that closed it.</summary>
    public bool TryClose(bool force)
    {
        if (force)
        {
            return Interlocked.Exchange(ref _open, Closed) != Closed;
        }

        return Interlocked.CompareExchange(ref _open, Closed, 0) == 0;
    }

    public async ValueTask DisposeAsync()
    {
        DrainTimer?.Dispose();
        await DataSource.DisposeAsync();
    }

    private bool Exit()
    {
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _open, open - 1, open) == open)
            {
                return open == 1;
            }
        }
    }

    private bool Enter()
    {
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open == Closed)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open)
            {
                return true;
            }
        }
    }
}
