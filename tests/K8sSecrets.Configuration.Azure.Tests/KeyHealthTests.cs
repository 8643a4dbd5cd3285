using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>Issue 18 item 14: a 403 on one secret leaves its key stale, and health says so until it reads again.</summary>
public sealed class KeyHealthTests
{
    [Fact]
    public async Task A_secret_denied_alone_degrades_health_naming_its_key_until_it_reads_again()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("Db--Password", "one");
        h.Vault.Put("Other", "o");
        var config = h.Build(kv => kv.PollInterval = TimeSpan.FromMinutes(1));
        var provider = config.Providers.OfType<SecretsConfigurationProvider>().Single();
        Assert.Equal(HealthStatus.Healthy, (await SecretsHealth.CheckAsync(config)).Status);

        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1)); // a new "updated" time: the list shows a new version
        h.Vault.Put("Db--Password", "two");
        h.Vault.DeniedSecrets.Add("Db--Password");
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await provider.RefreshAsync(CancellationToken.None));
        }

        Assert.Equal("one", config["Db:Password"]);
        Assert.Equal(0, provider.GetHealth().ConsecutiveFailures);
        Assert.Equal("Db:Password", Assert.Single(provider.GetHealth().FailingKeys).Key);
        var health = await SecretsHealth.CheckAsync(config);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("'Db:Password' has failed every read since", health.Description, StringComparison.Ordinal);
        Assert.Contains("403", health.Description, StringComparison.Ordinal);

        h.Vault.DeniedSecrets.Clear();
        Assert.True(await provider.RefreshAsync(CancellationToken.None));
        Assert.Equal("two", config["Db:Password"]);
        Assert.Equal(HealthStatus.Healthy, (await SecretsHealth.CheckAsync(config)).Status);
    }
}
