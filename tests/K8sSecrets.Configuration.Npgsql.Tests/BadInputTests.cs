using System.Data.Common;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sSecrets.Configuration.Npgsql.Tests;

/// <summary>Wrong arguments, bad settings, several data sources, disposal: through the public API only.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BadInputTests(PostgresFixture fixture)
{
    [Fact]
    public void Every_entry_point_names_the_argument_it_refuses()
    {
        var services = new ServiceCollection();
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddRotatingNpgsqlDataSource("Database")).ParamName);
        Assert.Equal("configurationPath", Assert.Throws<ArgumentException>(() => services.AddRotatingNpgsqlDataSource("")).ParamName);
        Assert.Equal("configurationPath", Assert.Throws<ArgumentNullException>(() => services.AddRotatingNpgsqlDataSource(null!)).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => services.AddRotatingNpgsqlDataSource("Database", null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IHealthChecksBuilder)null!).AddRotatingNpgsqlDataSource("Database")).ParamName);
        Assert.Equal("configurationPath", Assert.Throws<ArgumentException>(() => services.AddHealthChecks().AddRotatingNpgsqlDataSource("")).ParamName);
    }

    [Fact]
    public void Settings_with_no_host_fail_at_start_with_the_path_and_the_fix()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new DatabaseWorld([new("Database:Username", "app"), new("Database:Password", "SENTINEL-nohost")]));
        Assert.Contains("'Database:Host'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_positive_drain_timeout_is_refused_at_start()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new DatabaseWorld(DatabaseWorld.Section(fixture.Server, "u", "p"), configure: o => o.DrainTimeout = TimeSpan.Zero));
        Assert.Contains("DrainTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reload_with_a_bad_key_or_value_keeps_the_working_pool_and_names_the_key_not_the_value()
    {
        var user = fixture.NewUserName("bad");
        await fixture.Server.CreateUserAsync(user, "good-Secret-1");
        await using var world = new DatabaseWorld(DatabaseWorld.Section(fixture.Server, user, "good-Secret-1"));

        world.Set(("Database:Port", "SENTINEL-not-a-port"));
        await world.WaitAsync(h => h.ConsecutiveFailures == 1, "the bad value is reported");
        Assert.Contains("'Database:Port'", world.DataSource.Health.LastError, StringComparison.Ordinal);
        Assert.Equal(user, await world.ScalarAsync("SELECT current_user"));

        world.Set(("Database:Port", fixture.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Database:Colour", "blue"));
        await world.WaitAsync(h => h.LastError?.Contains("'Database:Colour'", StringComparison.Ordinal) == true, "the unknown keyword is reported");
        Assert.Equal((1, user), (world.DataSource.Health.Pool, await world.ScalarAsync("SELECT current_user")));

        world.Set(("Database:Colour", null));
        await world.WaitAsync(h => h.IsHealthy, "the settings are good again");
        world.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task A_password_with_connection_string_syntax_in_it_is_a_password_not_settings()
    {
        const string Tricky = "p;Host=192.0.2.1;Username=postgres;x='\"=;";
        var user = fixture.NewUserName("tricky");
        await fixture.Server.CreateUserAsync(user, "plain-Secret-1");
        await using var world = new DatabaseWorld(DatabaseWorld.Section(fixture.Server, user, "plain-Secret-1"));

        await fixture.Server.SetPasswordAsync(user, Tricky);
        world.Set(("Database:Password", Tricky));
        await world.WaitAsync(h => h.LastRotation is not null, "the rotated password is taken");

        Assert.Equal((user, 1), (await world.ScalarAsync("SELECT current_user"), world.DataSource.Health.Pool));
        Assert.DoesNotContain("192.0.2.1", world.DataSource.ConnectionString, StringComparison.Ordinal);
        world.Logs.AssertNoSentinel(Tricky);
    }

    [Fact]
    public async Task Two_data_sources_follow_their_own_paths_and_the_first_is_the_default()
    {
        var (a, b) = (fixture.NewUserName("two"), fixture.NewUserName("two"));
        await fixture.Server.CreateUserAsync(a, "a-Secret");
        await fixture.Server.CreateUserAsync(b, "b-Secret");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([.. DatabaseWorld.Section(fixture.Server, a, "a-Secret", "Orders"), .. DatabaseWorld.Section(fixture.Server, b, "b-Secret", "Reports")]).Build();
        await using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddRotatingNpgsqlDataSource("Orders")
            .AddRotatingNpgsqlDataSource("Reports")
            .BuildServiceProvider();

        async Task<string> UserOf(DbDataSource source)
        {
            await using var connection = await source.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT current_user";
            return (string)(await command.ExecuteScalarAsync())!;
        }

        Assert.Equal(a, await UserOf(services.GetRequiredKeyedService<DbDataSource>("Orders")));
        Assert.Equal(b, await UserOf(services.GetRequiredKeyedService<RotatingNpgsqlDataSource>("Reports")));
        Assert.Equal(a, await UserOf(services.GetRequiredService<DbDataSource>()));
    }

    [Fact]
    public async Task After_disposal_nothing_is_opened_and_a_change_creates_no_pool()
    {
        var (user, next) = (fixture.NewUserName("disp"), fixture.NewUserName("disp"));
        await fixture.Server.CreateUserAsync(user, "Secret-1");
        await fixture.Server.CreateUserAsync(next, "Secret-2");
        var world = new DatabaseWorld(DatabaseWorld.Section(fixture.Server, user, "Secret-1"));
        var source = world.DataSource;
        await using (var connection = await source.OpenConnectionAsync())
        {
            world.Set(("Database:Username", next), ("Database:Password", "Secret-2"));
            await world.DisposeAsync(); // while a connection is open and a switch may be under way
        }

        Assert.Throws<ObjectDisposedException>(() => source.CreateConnection());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await source.OpenConnectionAsync());
        await Eventually.HoldsAsync(() => fixture.Server.SessionsOfAsync(user).GetAwaiter().GetResult() == 0 && fixture.Server.SessionsOfAsync(next).GetAwaiter().GetResult() == 0, "no session is left open");
    }
}
