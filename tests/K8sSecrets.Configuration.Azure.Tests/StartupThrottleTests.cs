using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>
/// A required vault that throttles the first load (429 with <c>Retry-After</c>, a rollout meeting the vault's
/// transaction limit) is read again when the vault said, within <see cref="KubernetesSecretsBuilder.StartupTimeout"/>.
/// <c>Build()</c> blocks, so it runs on another thread while the test moves the fake clock.
/// </summary>
public sealed class StartupThrottleTests
{
    private const string Throttled = """{"error":{"code":"Throttled","message":"Request was not processed because too many requests were received."}}""";

    [Fact]
    public async Task A_vault_answering_429_with_Retry_After_is_asked_again_when_it_said_so_ten_throttles_fit_a_45_s_budget()
    {
        // Each wait is the Retry-After (3 s) plus up to a second. Before, it was the doubling backoff whenever that
        // was longer (4-8 s, 8-16 s, 16-32 s, ...), which ran past the budget with the quota free again.
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("Db--Password", "p1");
        h.Vault.Fail("list", new KeyVaultFault(429, Throttled, RetryAfterSeconds: 3), times: 10);

        var building = Task.Run(() => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.StartupTimeout = TimeSpan.FromSeconds(45);
            h.Configure(secrets);
        }).Build());
        for (var step = 0; step < 120 && !building.IsCompleted; step++)
        {
            await Task.WhenAny(building, Testing.Eventually.HoldsAsync(() => h.Clock.Waiting > 0 || building.IsCompleted, "the build sleeps on the clock or ends"));
            if (!building.IsCompleted)
            {
                h.Clock.Fake.Advance(TimeSpan.FromSeconds(1));
            }
        }

        using var config = (ConfigurationRoot)await building.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("p1", config["Db:Password"]);
        Assert.Equal(11, h.Vault.ListCount);
        Assert.Equal(10, h.Logs.Records.Count(r => r.Id.Name == "StartupThrottled"));
    }
}
