// DatabaseRotation: PostgreSQL credentials rotating under load, with no restart and no failed query.
//   dotnet run --project samples/DatabaseRotation -- [password|vault|wrong|none] [-s SECONDS] [-r ROTATIONS] [-w WORKERS]
// password: a kubelet-style Secret volume holds Database:Username/Password; every SECONDS/ROTATIONS
//           the Secret gets a new password, then ALTER ROLE runs. Connections live 1 s, so new
//           physical connections keep logging in (with the new password only, after each ALTER).
// vault:    Vault's database engine (the project's fake Vault over this PostgreSQL): a new role per
//           5 s lease, replaced at two thirds, the old role dropped (sessions terminated) at lease end.
// wrong:    one rotation to a password the server does not know: health degrades, queries go on.
// none:     no rotation: the baseline latencies.
// Every second: queries/s, failures, latency p50/p99 so far, and which user (pool) answered.
using System.Data.Common;
using System.Globalization;
using K8sSecrets.Configuration.Npgsql;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

var mode = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "password";
var seconds = Option("-s", 30);
var rotations = Option("-r", 10);
var workers = Option("-w", 8);

await using var server = await PostgresServer.StartAsync();
Console.WriteLine($"PostgreSQL on 127.0.0.1:{server.Port}; mode {mode}, {workers} workers, {seconds} s");
using var volume = new KubeletVolume();
await server.CreateUserAsync("app", "password-0");
volume.Write(("Username", "app"), ("Password", "password-0"));
var clock = TimeProvider.System;
await using var vault = await FakeVault.StartAsync(clock);
var revocations = new RevocationCounter(server);
vault.Database = revocations;
vault.LeaseTtl = TimeSpan.FromSeconds(5);
vault.LeasesRenewable = false;
var token = vault.CreateToken("hvs.sample", TimeSpan.FromHours(1), TimeSpan.FromHours(2));

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("K8sSecrets.Configuration.Npgsql", LogLevel.Information);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Database:Host"] = "127.0.0.1",
    ["Database:Port"] = server.Port.ToString(CultureInfo.InvariantCulture),
    ["Database:Database"] = server.Database,
    ["Database:Connection Lifetime"] = "1",
    ["Database:Maximum Pool Size"] = "20",
});
builder.Configuration.AddKubernetesSecrets(secrets =>
{
    if (mode == "vault")
    {
        secrets.FromVault(v =>
        {
            v.Address = vault.Address;
            v.UseToken(token);
            v.Secret("database/creds/app", section: "Database");
        });
    }
    else
    {
        secrets.FromVolume(volume.Root, v => v.Section = "Database");
    }
});
builder.Services.AddRotatingNpgsqlDataSource("Database", o => o.DrainTimeout = TimeSpan.FromSeconds(1));
builder.Services.AddHealthChecks().AddRotatingNpgsqlDataSource("Database");
var app = builder.Build();
app.MapGet("/whoami", async (DbDataSource db) =>
{
    await using var connection = await db.OpenConnectionAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = "SELECT current_user || ' (backend ' || pg_backend_pid() || ')'";
    return (string?)await command.ExecuteScalarAsync();
});
app.MapHealthChecks("/healthz");
await app.StartAsync();
Console.WriteLine($"Listening on {app.Urls.First()} (/whoami, /healthz)");

var source = app.Services.GetRequiredService<RotatingNpgsqlDataSource>();
var health = app.Services.GetRequiredService<HealthCheckService>();
await using var load = QueryLoad.Start(app.Services.GetRequiredService<DbDataSource>(), workers);
var every = mode is "password" ? TimeSpan.FromSeconds((double)seconds / (rotations + 1)) : TimeSpan.MaxValue;
var nextRotation = every == TimeSpan.MaxValue ? DateTimeOffset.MaxValue : clock.GetUtcNow() + every;
var done = 0;
var lastQueries = 0L;
for (var second = 1; second <= seconds; second++)
{
    var tick = clock.GetUtcNow() + TimeSpan.FromSeconds(1);
    while (clock.GetUtcNow() < tick)
    {
        if (clock.GetUtcNow() >= nextRotation && done < rotations)
        {
            done++;
            var password = $"password-{done}-{Guid.NewGuid():N}";
            volume.Write(("Username", "app"), ("Password", password)); // the Secret first...
            await server.SetPasswordAsync("app", password);            // ...then the DBA's ALTER ROLE
            nextRotation += every;
        }

        if (mode == "wrong" && second == 3 && done == 0)
        {
            done++;
            volume.Write(("Username", "app"), ("Password", "not-the-password"));
        }

        if (mode == "vault")
        {
            vault.RevokeExpiredLeases(); // Vault's expiration manager: drop the role, end its sessions
        }

        await Task.Delay(TimeSpan.FromMilliseconds(50), clock);
    }

    var queries = load.Queries;
    var h = source.Health;
    var status = (await health.CheckHealthAsync()).Status;
    Console.WriteLine($"{second,3}s {queries - lastQueries,7} q/s  failures {load.Failures.Count}  p50 {load.Percentile(50):F2} ms  p99 {load.Percentile(99):F2} ms  pool {h.Pool} ({h.User})  health {status}");
    lastQueries = queries;
}

await load.StopAsync();
var final = source.Health;
Console.WriteLine($"== {mode}: {load.Queries} queries in {seconds} s, {load.Failures.Count} failed, p50 {load.Percentile(50):F2} ms, p99 {load.Percentile(99):F2} ms, "
    + $"rotations {(mode == "vault" ? final.PoolsCreated - 1 : done)}, pools created {final.PoolsCreated}, disposed {final.PoolsDisposed}, "
    + $"roles revoked {revocations.Dropped}, sessions of a revoked user found at revocation {revocations.SessionsAtRevocation}, health {(await health.CheckHealthAsync()).Status}");
foreach (var failure in load.Failures.Take(3))
{
    Console.WriteLine($"   failure: {failure.GetType().Name}: {failure.Message}");
}

await app.StopAsync();
return load.Failures.IsEmpty ? 0 : 1;

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

/// <summary>The database engine's revocation, counting the sessions the revoked user still had (ours should be none).</summary>
internal sealed class RevocationCounter(PostgresServer server) : IVaultDatabase
{
    private readonly IVaultDatabase _inner = server.AsVaultDatabase();

    public int Dropped { get; private set; }

    public long SessionsAtRevocation { get; private set; }

    public void CreateRole(string username, string password, TimeSpan validFor) => _inner.CreateRole(username, password, validFor);

    public void DropRole(string username)
    {
        SessionsAtRevocation += server.SessionsOfAsync(username).GetAwaiter().GetResult();
        Dropped++;
        _inner.DropRole(username);
    }
}
