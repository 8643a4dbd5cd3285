using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace K8sSecrets.Configuration.Npgsql.Tests;

/// <summary>Case (a): the password rotates, the user stays. Same pool; new physical connections log in with the new password.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PasswordRotationTests(PostgresFixture fixture)
{
    private PostgresServer Server => fixture.Server;

    [Fact]
    public async Task A_rotated_password_reaches_new_physical_connections_while_open_ones_and_the_pool_are_kept()
    {
        var user = fixture.NewUserName("pw");
        await Server.CreateUserAsync(user, "first-Secret-1");
        await using var world = new DatabaseWorld(DatabaseWorld.Section(Server, user, "first-Secret-1"));
        await using var held = await world.DataSource.OpenConnectionAsync();
        var heldPid = await PidAsync(held);

        await Server.SetPasswordAsync(user, "second-Secret-2");
        world.Set(("Database:Password", "second-Secret-2"));
        await world.WaitAsync(h => h.LastRotation is not null, "the rotated password is taken");

        // The held connection's session goes on; a second one needs a new physical connection, which
        // the old password can no longer open: it logged in with the new one.
        Assert.Equal(heldPid, await PidAsync(held));
        await using var fresh = await world.DataSource.OpenConnectionAsync();
        Assert.NotEqual(heldPid, await PidAsync(fresh));
        Assert.Equal(user, await new NpgsqlCommand("SELECT current_user", fresh).ExecuteScalarAsync());
        var health = world.DataSource.Health;
        Assert.Equal((1, 1, 0, true), (health.Pool, health.PoolsCreated, health.PoolsDisposed, health.IsHealthy));
    }

    [Fact]
    public async Task A_password_published_before_ALTER_ROLE_is_switched_to_when_the_old_one_is_refused()
    {
        var user = fixture.NewUserName("pwfirst");
        await Server.CreateUserAsync(user, "old-Secret-1");
        await using var world = new DatabaseWorld(DatabaseWorld.Section(Server, user, "old-Secret-1"));
        await using var held = await world.DataSource.OpenConnectionAsync();

        // The secret changes first: the new password does not log in yet, so it is not used.
        world.Set(("Database:Password", "new-Secret-2"));
        await world.WaitAsync(h => !h.IsHealthy, "the new password is refused");
        Assert.Equal(user, world.DataSource.Health.RejectedUser);

        // Then the DBA runs ALTER ROLE: the next new physical connection is refused with the old
        // password, the data source looks again, switches, and the open succeeds.
        await Server.SetPasswordAsync(user, "new-Secret-2");
        await using var fresh = await world.DataSource.OpenConnectionAsync();

        Assert.Equal(user, await new NpgsqlCommand("SELECT current_user", fresh).ExecuteScalarAsync());
        Assert.True(world.DataSource.Health.IsHealthy);
        Assert.Equal(1, world.DataSource.Health.Pool);
    }

    [Fact]
    public async Task A_wrong_password_is_not_switched_to_shows_in_health_and_is_tried_again_at_the_next_poll()
    {
        const string Sentinel = "SENTINEL-wrong-pw-7f3a";
        var user = fixture.NewUserName("wrong");
        await Server.CreateUserAsync(user, "good-Secret-1");
        await using var world = new DatabaseWorld(DatabaseWorld.Section(Server, user, "good-Secret-1"), configure: o => o.RetryInterval = TimeSpan.FromSeconds(20));
        await using var held = await world.DataSource.OpenConnectionAsync();

        world.Set(("Database:Password", Sentinel));
        await world.WaitAsync(h => h.ConsecutiveFailures == 1, "the wrong password is refused");

        // Queries go on with the last working password, new physical connections included.
        await using (var fresh = await world.DataSource.OpenConnectionAsync())
        {
            Assert.Equal(user, await new NpgsqlCommand("SELECT current_user", fresh).ExecuteScalarAsync());
        }

        var health = world.DataSource.Health;
        Assert.Equal(user, health.RejectedUser);
        Assert.Contains(PostgresErrorCodes.InvalidPassword, health.LastError, StringComparison.Ordinal);
        var report = await world.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, report.Status);
        Assert.Contains(user, report.Entries["npgsql:Database"].Description, StringComparison.Ordinal);
        Assert.Contains(world.Logs.Records, r => r.Id.Name == "NpgsqlCredentialsRejected" && r.Message.Contains(user, StringComparison.Ordinal));

        // The DBA makes it the real password; the next poll tries it again and switches.
        await Server.SetPasswordAsync(user, Sentinel);
        world.Clock.Advance(TimeSpan.FromSeconds(20));
        await world.WaitAsync(h => h.IsHealthy, "the retried password is taken");
        Assert.Equal(HealthStatus.Healthy, (await world.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status);

        world.Logs.AssertNoSentinel(Sentinel);
        Assert.DoesNotContain(Sentinel, report.Entries["npgsql:Database"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_refused_password_published_again_is_not_tried_again_before_the_poll()
    {
        var user = fixture.NewUserName("again");
        await Server.CreateUserAsync(user, "good-Secret-1");
        await using var world = new DatabaseWorld(DatabaseWorld.Section(Server, user, "good-Secret-1"));
        world.Set(("Database:Password", "bad-Secret-2"));
        await world.WaitAsync(h => h.ConsecutiveFailures == 1, "the wrong password is refused");

        world.Set(("Database:Password", "bad-Secret-2"));
        world.Set(("Database:Password", "good-Secret-1"));
        await world.WaitAsync(h => h.IsHealthy, "the configuration is back to the working password");

        Assert.Single(world.Logs.Records, r => r.Id.Name == "NpgsqlCredentialsRejected");
        Assert.Contains(world.Logs.Records, r => r.Id.Name == "NpgsqlCredentialsRestored");
    }

    [Fact]
    public async Task A_burst_of_refused_logins_tries_the_refused_new_password_far_fewer_times_than_once_per_refusal()
    {
        var user = fixture.NewUserName("burst");
        await Server.CreateUserAsync(user, "good-Secret-1");
        await using var world = new DatabaseWorld(DatabaseWorld.Section(Server, user, "good-Secret-1"));
        world.Set(("Database:Password", "bad-Secret-2"));
        await world.WaitAsync(h => h.ConsecutiveFailures == 1, "the new password is refused");

        // The DBA sets a third password: both the current and the configured one are refused now.
        await Server.SetPasswordAsync(user, "third-Secret-3");
        const int Opens = 32;
        var opens = Enumerable.Range(0, Opens).Select(_ => Task.Run(async () =>
        {
            await using var connection = await world.DataSource.OpenConnectionAsync();
        }));
        var results = await Task.WhenAll(opens.Select(async t =>
        {
            try
            {
                await t;
                return null;
            }
            catch (PostgresException e)
            {
                return e.SqlState;
            }
        }));

        Assert.All(results, state => Assert.Equal(PostgresErrorCodes.InvalidPassword, state));
        var tries = world.DataSource.Health.ConsecutiveFailures - 1;
        Assert.InRange(tries, 1, Opens / 2);
    }

    private static async Task<int> PidAsync(NpgsqlConnection connection)
        => (int)(await new NpgsqlCommand("SELECT pg_backend_pid()", connection).ExecuteScalarAsync())!;
}
