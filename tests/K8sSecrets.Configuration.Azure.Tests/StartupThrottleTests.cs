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
    public async Task A_first_load_throttled_while_fetching_values_keeps_its_listing_and_fetched_values_for_the_retry()
    {
        // Each list page and each GET is a transaction of the vault's limit: the retry fetches only what is missing.
        await using var h = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 10; i++)
        {
            h.Vault.Put($"S{i}", $"v{i}");
        }

        // Listed a second after the writes: a value fetched within the second of its update is fetched again (racy).
        h.Clock.Fake.Advance(TimeSpan.FromSeconds(1));
        h.Vault.Fail("S9", new KeyVaultFault(429, Throttled, RetryAfterSeconds: 2));
        var building = Task.Run(() => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            h.Configure(secrets, kv => kv.MaxParallelism = 1);
        }).Build());
        using var config = (ConfigurationRoot)await MoveClockUntilDoneAsync(h, building);

        Assert.Equal("v9", config["S9"]);
        Assert.Equal(1, h.Vault.ListCount);
        Assert.Equal(11, h.Vault.GetCount);
    }

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
        using var config = (ConfigurationRoot)await MoveClockUntilDoneAsync(h, building);
        Assert.Equal("p1", config["Db:Password"]);
        Assert.Equal(11, h.Vault.ListCount);
        Assert.Equal(10, h.Logs.Records.Count(r => r.Id.Name == "StartupThrottled"));
    }

    /// <summary>Moves the fake clock a second at a time (each time the builder sleeps on it) until <paramref name="building"/> ends; bounded.</summary>
    private static async Task<IConfigurationRoot> MoveClockUntilDoneAsync(KeyVaultHarness h, Task<IConfigurationRoot> building)
    {
        for (var step = 0; step < 120 && !building.IsCompleted; step++)
        {
            await Task.WhenAny(building, Testing.Eventually.HoldsAsync(() => h.Clock.Waiting > 0 || building.IsCompleted, "the build sleeps on the clock or ends"));
            if (!building.IsCompleted)
            {
                h.Clock.Fake.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return await building.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
