using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8sSecrets.Configuration.Npgsql.Tests;

/// <summary>The EF Core wiring docs/databases.md shows: each context takes a connection of the current pool.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EntityFrameworkTests(PostgresFixture fixture)
{
    [Fact]
    public async Task A_DbContext_registered_once_follows_a_user_change_without_being_registered_again()
    {
        var (first, second) = (fixture.NewUserName("efa"), fixture.NewUserName("efb"));
        await fixture.Server.CreateUserAsync(first, "first-Secret-1");
        await fixture.Server.CreateUserAsync(second, "second-Secret-2");
        await using var world = new DatabaseWorld(
            DatabaseWorld.Section(fixture.Server, first, "first-Secret-1"),
            services: s => s.AddDbContext<AppContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<RotatingNpgsqlDataSource>().CreateConnection(), contextOwnsConnection: true)));

        Assert.Equal(first, await CurrentUserAsync(world.Services));
        world.Set(("Database:Username", second), ("Database:Password", "second-Secret-2"));
        await world.WaitAsync(h => h.Pool == 2, "the new user's pool is current");
        Assert.Equal(second, await CurrentUserAsync(world.Services));
    }

    private static async Task<string> CurrentUserAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<AppContext>();
        return await context.Database.SqlQueryRaw<string>("SELECT current_user::text AS \"Value\"").SingleAsync();
    }

    private sealed class AppContext(DbContextOptions<AppContext> options) : DbContext(options);
}
