using K8sSecrets.Configuration.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace K8sSecrets.Configuration.Npgsql.Tests;

/// <summary>
/// The issue's targets, short: 8 workers query through the registered data source while credentials
/// rotate; no query may fail. Connections live at most a second, so new physical connections keep
/// being opened and each rotation is proven by logins that only the new password can make.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RotationUnderLoadTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const int Workers = 8;

    [Fact]
    public async Task Password_rotations_under_load_fail_no_query_and_new_connections_log_in_with_the_new_password()
    {
        var user = fixture.NewUserName("loadpw");
        await fixture.Server.CreateUserAsync(user, "Secret-0");
        await using var world = new DatabaseWorld([.. DatabaseWorld.Section(fixture.Server, user, "Secret-0"), new("Database:Connection Lifetime", "1")]);
        await using var load = QueryLoad.Start(world.DbDataSource, Workers);
        await load.RunQueriesAsync(200, "the load runs");

        for (var rotation = 1; rotation <= 4; rotation++)
        {
            // The secret first, then ALTER ROLE: after it only the new password logs in.
            var password = $"Secret-{rotation}";
            world.Set(("Database:Password", password));
            await fixture.Server.SetPasswordAsync(user, password);
            await SessionsStartedAfterAsync(user, await ServerNowAsync(), load, "sessions opened after ALTER ROLE (only the new password logs in)");
            await load.RunQueriesAsync(200, "queries run after the rotation");
        }

        await load.StopAsync();
        Assert.Empty(load.Failures);
        var health = world.DataSource.Health;
        Assert.Equal((1, 0, true), (health.PoolsCreated, health.PoolsDisposed, health.IsHealthy));
        output.WriteLine($"{load.Queries} queries, 0 failed, p50 {load.Percentile(50):F2} ms, p99 {load.Percentile(99):F2} ms");
    }

    [Fact]
    public async Task Vault_leases_of_5_seconds_under_load_fail_no_query_and_leave_no_connection_of_a_revoked_user()
    {
        await using var w = await VaultWorld.StartAsync(fixture.Server, TimeSpan.FromSeconds(5), o => o.DrainTimeout = TimeSpan.FromSeconds(1));
        await using var load = QueryLoad.Start(w.App.DbDataSource, Workers);
        await load.RunQueriesAsync(200, "the load runs");
        var revoked = new List<string>();

        for (var lease = 2; lease <= 4; lease++)
        {
            var old = w.CurrentUser!;
            await w.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1)); // replaced at 2/3 of 5 s
            var expected = lease;
            await w.App.WaitAsync(h => h.Pool == expected && h.PoolsDisposed == expected - 1, "the new lease's pool is current and the old one disposed");
            await load.RunQueriesAsync(200, "queries run on the new pool");

            await w.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)); // the old lease ends
            Assert.True(w.Vault.RevokeExpiredLeases() >= 1);
            revoked.Add(old);
            Assert.Equal(0, await fixture.Server.SessionsOfAsync(old));
            await load.RunQueriesAsync(200, "queries run after the revocation");
        }

        await load.StopAsync();
        Assert.Empty(load.Failures);
        var health = w.App.DataSource.Health;
        Assert.Equal((4, 3), (health.PoolsCreated, health.PoolsDisposed));
        Assert.All(revoked, user => Assert.True(load.ByUser.GetValueOrDefault(user) > 0, $"{user} answered queries before its lease ended"));
        output.WriteLine($"{load.Queries} queries, 0 failed, pools created {health.PoolsCreated}, disposed {health.PoolsDisposed}, p50 {load.Percentile(50):F2} ms, p99 {load.Percentile(99):F2} ms");
    }

    [Fact]
    public async Task A_rotation_to_a_wrong_password_under_load_fails_no_query_and_shows_in_health_at_once()
    {
        var user = fixture.NewUserName("loadwrong");
        await fixture.Server.CreateUserAsync(user, "Secret-good");
        await using var world = new DatabaseWorld([.. DatabaseWorld.Section(fixture.Server, user, "Secret-good"), new("Database:Connection Lifetime", "1")]);
        await using var load = QueryLoad.Start(world.DbDataSource, Workers);
        await load.RunQueriesAsync(200, "the load runs");

        world.Set(("Database:Password", "Secret-wrong"));
        await world.WaitAsync(h => h.ConsecutiveFailures == 1, "health shows the refused password");
        await SessionsStartedAfterAsync(user, await ServerNowAsync(), load, "sessions opened after the refusal (with the last working password)");
        await load.RunQueriesAsync(500, "queries go on");

        await load.StopAsync();
        Assert.Empty(load.Failures);
        Assert.Equal(PostgresErrorCodes.InvalidPassword, world.DataSource.Health.LastError![$"user '{user}': ".Length..][..5]);
        output.WriteLine($"{load.Queries} queries, 0 failed");
    }

    private Task<DateTime> ServerNowAsync() => fixture.Server.ScalarAsync<DateTime>("SELECT clock_timestamp()");

    /// <summary>Waits until at least two of the user's sessions (new physical connections of the pool) started after <paramref name="since"/>.</summary>
    private async Task SessionsStartedAfterAsync(string user, DateTime since, QueryLoad load, string because)
    {
        var sql = $"SELECT count(*) FROM pg_stat_activity WHERE usename = {PostgresServer.Literal(user)} AND backend_start > {PostgresServer.Literal(since.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}::timestamptz";
        await Eventually.HoldsAsync(() => fixture.Server.ScalarAsync<long>(sql).GetAwaiter().GetResult() >= 2 || !load.Failures.IsEmpty, because);
    }
}
