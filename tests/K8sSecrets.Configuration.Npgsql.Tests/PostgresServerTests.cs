using Npgsql;

namespace K8sSecrets.Configuration.Npgsql.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresFixture fixture)
{
    [Fact]
    public async Task The_server_accepts_a_login_with_the_right_password_and_refuses_a_wrong_one()
    {
        var user = fixture.NewUserName("fixture");
        await fixture.Server.CreateUserAsync(user, "right-password");

        await using (var connection = new NpgsqlConnection($"{fixture.Server.ConnectionString};Username={user};Password=right-password;Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_user", connection);
            Assert.Equal(user, await command.ExecuteScalarAsync());
        }

        await using var wrong = new NpgsqlConnection($"{fixture.Server.ConnectionString};Username={user};Password=wrong;Pooling=false");
        var refused = await Assert.ThrowsAsync<PostgresException>(() => wrong.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
    }
}
