using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Npgsql.Tests;

/// <summary>The whole chain but Vault's HTTP front is real: leases create and drop roles on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class VaultDatabaseEngineTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Each_lease_brings_a_new_user_and_pool_and_the_revoked_user_has_no_connection_left()
    {
        await using var w = await VaultWorld.StartAsync(fixture.Server, TimeSpan.FromSeconds(30));
        var users = new List<string> { w.CurrentUser! };
        Assert.Equal(users[0], await w.App.ScalarAsync("SELECT current_user"));

        for (var lease = 2; lease <= 3; lease++)
        {
            // The source reads new credentials at two thirds of the lease; the app switches pools.
            await w.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(21), TimeSpan.FromSeconds(3));
            var expected = lease;
            await w.App.WaitAsync(h => h.Pool == expected, "the new lease's user has its pool");
            users.Add(w.CurrentUser!);
            Assert.Equal(users[^1], await w.App.ScalarAsync("SELECT current_user"));
            await w.App.WaitAsync(h => h.PoolsDisposed == expected - 1, "the old pool is drained and disposed");
            var old = users[^2];
            await Eventually.HoldsAsync(() => fixture.Server.SessionsOfAsync(old).GetAwaiter().GetResult() == 0, "the old user has no session left");

            // Vault revokes the old lease at its end: the role is dropped; nothing of ours used it.
            await w.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(3));
            Assert.True(w.Vault.RevokeExpiredLeases() >= 1);
            Assert.Equal(0L, await fixture.Server.ScalarAsync<long>($"SELECT count(*) FROM pg_roles WHERE rolname = {PostgresServer.Literal(users[^2])}"));
        }

        Assert.Equal(3, users.Distinct().Count());
        Assert.Equal(users[^1], await w.App.ScalarAsync("SELECT current_user"));
        foreach (var (_, password) in w.Vault.DatabaseCredentials())
        {
            w.App.Logs.AssertNoSentinel(password);
        }
    }
}
