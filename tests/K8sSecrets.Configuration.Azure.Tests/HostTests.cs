using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Azure.Tests;

public sealed class HostTests
{
    [Fact]
    public async Task A_rotated_secret_reaches_IOptionsMonitor_once_in_a_real_host_and_disposal_ends_the_polling()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("payments-db-password", "one");
        h.Vault.Put("Database--Username", "app");
        h.Clock.Fake.Advance(TimeSpan.FromSeconds(1)); // read a second after the writes, so no value is refetched to rule out a same-second write
        await using var app = await OptionsMonitorHost.StartAsync(secrets => h.Configure(secrets, kv =>
        {
            kv.PollInterval = TimeSpan.FromMinutes(5);
            kv.Secret("payments-db-password", key: "Database:Password");
            kv.Secret("Database--Username");
        }));
        Assert.Equal("one", app.Current.Password);
        Assert.Equal("app", app.Current.Username);
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        h.Vault.Put("payments-db-password", "two");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(12), TimeSpan.FromMinutes(1));

        Assert.Equal("two", app.Current.Password);
        Assert.Equal(["two"], app.Passwords);
        Assert.Equal(2, h.Vault.Gets("payments-db-password"));
        Assert.Equal(1, h.Vault.Gets("Database--Username"));

        await app.StopAsync();
        var after = h.Vault.Requests.Count;
        h.Clock.Fake.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, h.Clock.Waiting);
        Assert.Equal(after, h.Vault.Requests.Count);
    }
}
