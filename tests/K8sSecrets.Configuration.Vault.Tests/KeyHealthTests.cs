using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.Vault.Tests;

/// <summary>Issue 18 item 14: one path refused among several leaves its keys stale, and health says so until it reads again.</summary>
public sealed class KeyHealthTests
{
    /// <summary>The test token lives an hour, within the default 7-day expiry threshold: not what this test is about.</summary>
    private static readonly Action<K8sSecrets.Configuration.HealthChecks.KubernetesSecretsHealthCheckOptions> IgnoreTokenExpiry = o => o.ExpiryThreshold = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task One_path_denied_among_several_degrades_health_naming_it_until_it_reads_again()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("payments/db", """{"password":"one"}""");
        h.Vault.PutKv2("payments/app", """{"color":"blue"}""");
        var config = h.Build(v => v.Secret("secret/payments/db", section: "Database").Secret("secret/payments/app"));
        var provider = config.Providers.OfType<SecretsConfigurationProvider>().Single();
        Assert.Equal(HealthStatus.Healthy, (await SecretsHealth.CheckAsync(config, IgnoreTokenExpiry)).Status);

        h.Vault.PutKv2("payments/db", """{"password":"two"}""");
        h.Vault.DeniedPaths.Add("secret/data/payments/db");
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await provider.RefreshAsync(CancellationToken.None));
        }

        Assert.Equal("one", config["Database:password"]);
        Assert.Equal(0, provider.GetHealth().ConsecutiveFailures);
        Assert.Equal("Database", Assert.Single(provider.GetHealth().FailingKeys).Key);
        var health = await SecretsHealth.CheckAsync(config, IgnoreTokenExpiry);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("'Database' has failed every read since", health.Description, StringComparison.Ordinal);
        Assert.Contains("403", health.Description, StringComparison.Ordinal);

        h.Vault.DeniedPaths.Clear();
        Assert.True(await provider.RefreshAsync(CancellationToken.None));
        Assert.Equal("two", config["Database:password"]);
        Assert.Equal(HealthStatus.Healthy, (await SecretsHealth.CheckAsync(config, IgnoreTokenExpiry)).Status);
    }
}
