using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>Issue 18 item 14: a secret refused inside a BatchGetSecretValue is stale, and health says so until it reads again.</summary>
public sealed class KeyHealthTests
{
    [Fact]
    public async Task A_secret_denied_inside_a_batch_degrades_health_naming_its_key_until_it_reads_again()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.Put("prod/b", "b1");
        var config = h.Build(aws => aws.Secret("prod/a", key: "Db:Password").Secret("prod/b", key: "B"));
        var provider = AwsHarness.Provider(config);
        Assert.Equal(HealthStatus.Healthy, (await SecretsHealth.CheckAsync(config)).Status);

        h.Fake.Put("prod/a", "a2");
        h.Fake.SecretErrors["prod/a"] = "AccessDeniedException";
        var since = h.Clock.GetUtcNow();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await provider.RefreshAsync(CancellationToken.None));
        }

        Assert.Equal("a1", config["Db:Password"]);
        Assert.Equal(0, provider.GetHealth().ConsecutiveFailures);
        var failing = Assert.Single(provider.GetHealth().FailingKeys);
        Assert.Equal("Db:Password", failing.Key);
        Assert.Equal(since, failing.Since);
        var health = await SecretsHealth.CheckAsync(config);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("'Db:Password' has failed every read since", health.Description, StringComparison.Ordinal);
        Assert.Contains("denied", health.Description, StringComparison.Ordinal);

        h.Fake.SecretErrors.Clear();
        Assert.True(await provider.RefreshAsync(CancellationToken.None));
        Assert.Equal("a2", config["Db:Password"]);
        Assert.Equal(HealthStatus.Healthy, (await SecretsHealth.CheckAsync(config)).Status);
    }
}
