using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>Issue 18 item 14: a disabled version or a CRC32C mismatch leaves a key stale, and health says so until it reads again.</summary>
public sealed class KeyHealthTests
{
    [Fact]
    public async Task A_disabled_version_and_a_checksum_mismatch_degrade_health_naming_each_key_until_they_read_again()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db-password", "one");
        h.Store.AddVersion("api-key", "k1");
        h.Store.AddVersion("other", "o1");
        var config = h.Build(gcp => gcp.Secret("db-password", key: "Db:Password").Secret("api-key", key: "Api:Key").Secret("other"));
        var provider = GoogleHarness.Provider(config);
        Assert.Equal(HealthStatus.Healthy, (await SecretsHealth.CheckAsync(config)).Status);

        h.Store.AddVersion("db-password", "two");
        h.Store.SetState("db-password", 2, "DISABLED");
        h.Store.AddVersion("api-key", "k2");
        h.Store.CorruptCrc.Add("api-key");
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await provider.RefreshAsync(CancellationToken.None));
        }

        Assert.Equal("one", config["Db:Password"]);
        Assert.Equal("k1", config["Api:Key"]);
        Assert.Equal(0, provider.GetHealth().ConsecutiveFailures);
        Assert.Equal(["Api:Key", "Db:Password"], provider.GetHealth().FailingKeys.Select(f => f.Key).Order(StringComparer.Ordinal));
        var health = await SecretsHealth.CheckAsync(config);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("'Db:Password' has failed every read since", health.Description, StringComparison.Ordinal);
        Assert.Contains("'Api:Key' has failed every read since", health.Description, StringComparison.Ordinal);
        Assert.Contains("CRC32C", health.Description, StringComparison.Ordinal);

        h.Store.SetState("db-password", 2, "ENABLED");
        h.Store.CorruptCrc.Clear();
        Assert.True(await provider.RefreshAsync(CancellationToken.None));
        Assert.Equal("two", config["Db:Password"]);
        Assert.Equal("k2", config["Api:Key"]);
        Assert.Equal(HealthStatus.Healthy, (await SecretsHealth.CheckAsync(config)).Status);
    }
}
