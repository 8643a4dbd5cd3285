using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A real PostgreSQL (Debian's <c>postgresql</c> package) started for the tests: <c>initdb</c> into a
/// temp folder, <c>pg_ctl start</c> on a free loopback port with its Unix socket in that folder, as the
/// <c>postgres</c> user when running as root (PostgreSQL refuses root). TCP logins need a password
/// (scram-sha-256); the superuser logs in over the socket without one, to play the DBA. Not being
/// able to start it is an error, never a skip.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgres;
    private NpgsqlDataSource? _admin;

    private PostgresServer(string bin, string root, bool asPostgres, int port)
    {
        _bin = bin;
        _root = root;
        _asPostgres = asPostgres;
        Port = port;
    }

    /// <summary>Gets the loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets the database the tests use.</summary>
    public string Database => "app";

    /// <summary>Gets a connection string (TCP, no user or password) to <see cref="Database"/>.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database={Database};Timeout=10";

    /// <summary>Gets a data source logged in as the superuser over the Unix socket.</summary>
    public NpgsqlDataSource Admin => _admin ?? throw new InvalidOperationException("The server is not started.");

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinaries();
        var asPostgres = Environment.UserName == "root";
        var root = Directory.CreateTempSubdirectory("k8ssecrets-pg-").FullName;
        var server = new PostgresServer(bin, root, asPostgres, FreePort());
        try
        {
            await server.InitializeAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Runs SQL as the superuser.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var command = Admin.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs a scalar query as the superuser.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = Admin.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Creates a login role that may use <see cref="Database"/>.</summary>
    public Task CreateUserAsync(string user, string password, DateTimeOffset? validUntil = null)
        => ExecuteAsync($"CREATE ROLE {Ident(user)} LOGIN PASSWORD {Literal(password)}"
            + (validUntil is { } until ? $" VALID UNTIL {Literal(until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff+00", System.Globalization.CultureInfo.InvariantCulture))}" : string.Empty)
            + $"; GRANT CONNECT ON DATABASE {Ident(Database)} TO {Ident(user)}");

    /// <summary>Changes a role's password (<c>ALTER ROLE … PASSWORD</c>); open sessions are not touched.</summary>
    public Task SetPasswordAsync(string user, string password)
        => ExecuteAsync($"ALTER ROLE {Ident(user)} PASSWORD {Literal(password)}");

    /// <summary>Ends the role's sessions and drops it, as Vault's default revocation statements do.</summary>
    public async Task DropUserAsync(string user)
    {
        await ExecuteAsync($"ALTER ROLE {Ident(user)} NOLOGIN; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = {Literal(user)}");
        await ExecuteAsync($"REVOKE ALL ON DATABASE {Ident(Database)} FROM {Ident(user)}; DROP ROLE IF EXISTS {Ident(user)}");
    }

    /// <summary>Counts the server sessions (backends) logged in as <paramref name="user"/>.</summary>
    public async Task<long> SessionsOfAsync(string user)
        => await ScalarAsync<long>($"SELECT count(*) FROM pg_stat_activity WHERE usename = {Literal(user)}");

    /// <summary>A <see cref="FakeVault"/> database engine that creates and drops real roles on this server.</summary>
    public IVaultDatabase AsVaultDatabase() => new VaultDatabase(this);

    public static string Ident(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
        }

        if (File.Exists(Path.Join(_root, "data", "postmaster.pid")))
        {
            await RunAsync("pg_ctl", "-D", Path.Join(_root, "data"), "-m", "immediate", "-w", "stop");
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task InitializeAsync()
    {
        if (_asPostgres)
        {
            await RunRawAsync("chown", "postgres:postgres", _root);
        }

        var data = Path.Join(_root, "data");
        await RunAsync("initdb", "-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync");
        var options = $"-c listen_addresses=127.0.0.1 -p {Port} -k {_root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        await RunAsync("pg_ctl", "-D", data, "-l", Path.Join(_root, "server.log"), "-w", "-t", "60", "-o", options, "start");
        _admin = NpgsqlDataSource.Create($"Host={_root};Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=30");
        await ExecuteAsync($"CREATE DATABASE {Ident(Database)}");
        await ExecuteAsync($"REVOKE CONNECT ON DATABASE {Ident(Database)} FROM PUBLIC");
        await _admin.DisposeAsync();
        _admin = NpgsqlDataSource.Create($"Host={_root};Port={Port};Username=postgres;Database={Database};Pooling=true;Timeout=30");
    }

    private Task RunAsync(string tool, params string[] arguments)
    {
        var path = Path.Join(_bin, tool);
        return _asPostgres ? RunRawAsync("runuser", ["-u", "postgres", "--", path, .. arguments]) : RunRawAsync(path, arguments);
    }

    private async Task RunRawAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} did not finish within {CommandTimeout}.");
        }

        if (process.ExitCode != 0)
        {
            var log = Path.Join(_root, "server.log");
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : string.Empty;
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}\n{serverLog}");
        }
    }

    private static string FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Join(d, "bin", "initdb")) && File.Exists(Path.Join(d, "bin", "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .ToArray()
            : [];
        return versions.Length > 0
            ? Path.Join(versions[0], "bin")
            : throw new InvalidOperationException(
                "PostgreSQL was not found under /usr/lib/postgresql/*/bin. Install Debian's package: apt-get install -y postgresql (.ci/run does it when it is missing).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class VaultDatabase(PostgresServer server) : IVaultDatabase
    {
        public void CreateRole(string username, string password, TimeSpan validFor)
        {
            var until = TimeProvider.System.GetUtcNow() + validFor;
            server.CreateUserAsync(username, password, until).GetAwaiter().GetResult();
        }

        public void DropRole(string username) => server.DropUserAsync(username).GetAwaiter().GetResult();
    }
}
