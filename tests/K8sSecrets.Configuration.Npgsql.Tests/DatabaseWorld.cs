using System.Data.Common;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace K8sSecrets.Configuration.Npgsql.Tests;

/// <summary>
/// One test's app: configuration it can change and reload (as a secret source does), captured logs at
/// every level (Npgsql's own included), a fake clock for the data source's timers, and the data
/// source resolved from DI as an app would.
/// </summary>
public sealed class DatabaseWorld : IAsyncDisposable
{
    private readonly IConfigurationRoot _configuration;
    private readonly ServiceProvider _services;

    public DatabaseWorld(IEnumerable<KeyValuePair<string, string?>> settings, string path = "Database", Action<RotatingNpgsqlDataSourceOptions>? configure = null, IConfiguration? extra = null, LogCapture? logs = null, Action<IServiceCollection>? services = null)
    {
        Logs = logs ?? new LogCapture();
        var builder = new ConfigurationBuilder().AddInMemoryCollection(settings);
        if (extra is not null)
        {
            builder.AddConfiguration(extra);
        }

        _configuration = builder.Build();
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        collection.AddSingleton<IConfiguration>(_configuration);
        collection.AddLogging();
        collection.AddSingleton(Logs.Factory);
        collection.AddSingleton<TimeProvider>(Clock);
        collection.AddRotatingNpgsqlDataSource(path, configure ?? (_ => { }));
        collection.AddHealthChecks().AddRotatingNpgsqlDataSource(path);
        _services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _ = DataSource; // resolved at start, as an app's singletons that depend on it would
    }

    public LogCapture Logs { get; }

    public FakeTimeProvider Clock { get; } = new();

    public IServiceProvider Services => _services;

    public RotatingNpgsqlDataSource DataSource => _services.GetRequiredService<RotatingNpgsqlDataSource>();

    public DbDataSource DbDataSource => _services.GetRequiredService<DbDataSource>();

    public static KeyValuePair<string, string?>[] Section(PostgresServer server, string user, string password, string path = "Database") =>
    [
        new($"{path}:Host", "127.0.0.1"),
        new($"{path}:Port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new($"{path}:Database", server.Database),
        new($"{path}:Username", user),
        new($"{path}:Password", password),
        new($"{path}:Timeout", "10"),
    ];

    /// <summary>Changes configuration values and raises the reload, as a rotated secret does.</summary>
    public void Set(params (string Key, string? Value)[] values)
    {
        foreach (var (key, value) in values)
        {
            _configuration[key] = value;
        }

        _configuration.Reload();
    }

    public async Task<string> ScalarAsync(string sql)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    public async Task WaitAsync(Func<RotatingNpgsqlDataSourceHealth, bool> condition, string because)
    {
        if (!await Eventually.TrueAsync(() => condition(DataSource.Health)))
        {
            var h = DataSource.Health;
            throw new Xunit.Sdk.XunitException(
                $"Timed out waiting until {because}. Pool {h.Pool} ({h.User}), failures {h.ConsecutiveFailures}: {h.LastError}\n"
                + string.Join("\n", Logs.Records.Where(r => r.Category?.StartsWith("K8sSecrets", StringComparison.Ordinal) == true).Select(r => r.Message)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Logs.Dispose();
    }
}
