using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Npgsql.Tests;

/// <summary>
/// Vault's database engine played by <see cref="FakeVault"/> over the real PostgreSQL: each read of
/// <c>database/creds/app</c> creates a role there, revoking its lease drops it. The Vault source
/// publishes <c>Database:username</c>/<c>Database:password</c>; the host and database come from
/// plain settings. Vault and the source share a fake clock.
/// </summary>
public sealed class VaultWorld : IAsyncDisposable
{
    public const string CredsPath = "database/creds/app";
    private readonly IConfigurationRoot _secrets;

    private VaultWorld(FakeVault vault, TestClock clock, IConfigurationRoot secrets, DatabaseWorld app)
    {
        Vault = vault;
        Clock = clock;
        _secrets = secrets;
        App = app;
    }

    public FakeVault Vault { get; }

    public TestClock Clock { get; }

    public DatabaseWorld App { get; }

    public string? CurrentUser => _secrets["Database:username"];

    public static async Task<VaultWorld> StartAsync(PostgresServer server, TimeSpan leaseTtl, Action<RotatingNpgsqlDataSourceOptions>? configure = null)
    {
        var clock = new TestClock();
        var vault = await FakeVault.StartAsync(clock.Fake);
        vault.Database = server.AsVaultDatabase();
        vault.LeaseTtl = leaseTtl;
        vault.LeaseMaxTtl = TimeSpan.FromHours(1);
        vault.LeasesRenewable = false;
        var token = vault.CreateToken("hvs.npgsql-tests", TimeSpan.FromDays(1), TimeSpan.FromDays(2));
        var logs = new LogCapture();
        var secrets = new ConfigurationBuilder().AddKubernetesSecrets(s =>
        {
            s.TimeProvider = clock;
            s.LoggerFactory = logs.Factory;
            s.FromVault(v =>
            {
                v.Address = vault.Address;
                v.UseToken(token);
                v.Secret(CredsPath, section: "Database");
            });
        }).Build();
        var app = new DatabaseWorld(
            [
                new("Database:Host", "127.0.0.1"),
                new("Database:Port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("Database:Database", server.Database),
                new("Database:Timeout", "10"),
            ],
            configure: configure,
            extra: secrets,
            logs: logs);
        return new VaultWorld(vault, clock, secrets, app);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        ((IDisposable)_secrets).Dispose();
        await Vault.DisposeAsync();
    }
}
