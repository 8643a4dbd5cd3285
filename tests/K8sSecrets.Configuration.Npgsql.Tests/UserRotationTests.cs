using K8sSecrets.Configuration.Testing;
using Npgsql;

namespace K8sSecrets.Configuration.Npgsql.Tests;

/// <summary>Case (b): user and password change together. A new pool at once; the old one finishes its work, drains and goes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class UserRotationTests(PostgresFixture fixture)
{
    private PostgresServer Server => fixture.Server;

    [Fact]
    public async Task A_new_user_gets_a_new_pool_at_once_while_work_on_the_old_one_finishes_then_the_old_pool_is_disposed()
    {
        var (first, second) = (fixture.NewUserName("ua"), fixture.NewUserName("ub"));
        await Server.CreateUserAsync(first, "first-Secret-1");
        await Server.CreateUserAsync(second, "second-Secret-2");
        await using var world = new DatabaseWorld(DatabaseWorld.Section(Server, first, "first-Secret-1"));
        var registered = world.DbDataSource; // what the app holds; never resolved again
        var inFlight = await world.DataSource.OpenConnectionAsync();
        await using var transaction = await inFlight.BeginTransactionAsync();

        world.Set(("Database:Username", second), ("Database:Password", "second-Secret-2"));
        await world.WaitAsync(h => h.Pool == 2, "the new user's pool is current");

        await using (var connection = await registered.OpenConnectionAsync())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT current_user";
            Assert.Equal(second, await command.ExecuteScalarAsync());
        }

        // The old pool still serves the work it had: the transaction goes on and commits.
        Assert.Equal(first, await new NpgsqlCommand("SELECT current_user", inFlight, transaction).ExecuteScalarAsync());
        await transaction.CommitAsync();
        Assert.Equal(0, world.DataSource.Health.PoolsDisposed);

        // Its last connection closes: the old pool is disposed and no session of the old user is left.
        await inFlight.DisposeAsync();
        await world.WaitAsync(h => h.PoolsDisposed == 1, "the drained pool is disposed");
        await Eventually.HoldsAsync(() => Server.SessionsOfAsync(first).GetAwaiter().GetResult() == 0, "the old user has no session left");
        Assert.Equal(2, world.DataSource.Health.PoolsCreated);
        Assert.Contains(world.Logs.Records, r => r.Id.Name == "NpgsqlPoolDisposed" && r.Message.Contains("last connection closed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_old_pool_is_disposed_at_the_drain_timeout_when_a_connection_is_still_open()
    {
        var (first, second) = (fixture.NewUserName("da"), fixture.NewUserName("db"));
        await Server.CreateUserAsync(first, "first-Secret-1");
        await Server.CreateUserAsync(second, "second-Secret-2");
        await using var world = new DatabaseWorld(DatabaseWorld.Section(Server, first, "first-Secret-1"), configure: o => o.DrainTimeout = TimeSpan.FromSeconds(10));
        await using var forgotten = await world.DataSource.OpenConnectionAsync();

        world.Set(("Database:Username", second), ("Database:Password", "second-Secret-2"));
        await world.WaitAsync(h => h.Pool == 2, "the new user's pool is current");
        world.Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, world.DataSource.Health.PoolsDisposed);

        world.Clock.Advance(TimeSpan.FromSeconds(1));
        await world.WaitAsync(h => h.PoolsDisposed == 1, "the pool is disposed at the drain timeout");
        Assert.Contains(world.Logs.Records, r => r.Id.Name == "NpgsqlPoolDisposed" && r.Message.Contains("1 connection(s) still open", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_new_user_that_cannot_log_in_is_not_switched_to_and_is_tried_again_at_the_next_poll()
    {
        var (first, missing) = (fixture.NewUserName("na"), fixture.NewUserName("nb"));
        await Server.CreateUserAsync(first, "first-Secret-1");
        await using var world = new DatabaseWorld(DatabaseWorld.Section(Server, first, "first-Secret-1"), configure: o => o.RetryInterval = TimeSpan.FromSeconds(15));

        world.Set(("Database:Username", missing), ("Database:Password", "second-Secret-2"));
        await world.WaitAsync(h => h.ConsecutiveFailures == 1, "the unknown user is refused");
        Assert.Equal((1, missing), (world.DataSource.Health.Pool, world.DataSource.Health.RejectedUser));
        Assert.Equal(first, await world.ScalarAsync("SELECT current_user"));

        await Server.CreateUserAsync(missing, "second-Secret-2");
        world.Clock.Advance(TimeSpan.FromSeconds(15));
        await world.WaitAsync(h => h.Pool == 2 && h.IsHealthy, "the user is tried again and switched to");
        Assert.Equal(missing, await world.ScalarAsync("SELECT current_user"));
    }

    [Fact]
    public async Task A_whole_connection_string_in_one_key_keeps_the_pool_for_a_new_password_and_takes_a_new_one_for_a_new_user()
    {
        var (first, second) = (fixture.NewUserName("csa"), fixture.NewUserName("csb"));
        await Server.CreateUserAsync(first, "first-Secret-1");
        await Server.CreateUserAsync(second, "second-Secret-3");
        string Db(string user, string password) => $"{Server.ConnectionString};Username={user};Password={password}";
        await using var world = new DatabaseWorld([new("ConnectionStrings:Db", Db(first, "first-Secret-1"))], path: "ConnectionStrings:Db");
        Assert.Equal(first, await world.ScalarAsync("SELECT current_user"));

        await Server.SetPasswordAsync(first, "first-Secret-2");
        world.Set(("ConnectionStrings:Db", Db(first, "first-Secret-2")));
        await world.WaitAsync(h => h.LastRotation is not null, "the new password is taken");
        Assert.Equal(1, world.DataSource.Health.Pool);

        world.Set(("ConnectionStrings:Db", Db(second, "second-Secret-3")));
        await world.WaitAsync(h => h.Pool == 2, "the new user's pool is current");
        Assert.Equal(second, await world.ScalarAsync("SELECT current_user"));
        Assert.DoesNotContain("Secret", world.DataSource.ConnectionString, StringComparison.Ordinal);
    }
}
