using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>
/// Issue 22 attacks through the public API on this wave's Azure changes: the listing a throttled first load keeps
/// for its retry, and the start-up wait on a vault throttling with <c>Retry-After: 0</c>.
/// </summary>
/// <remarks>
/// What held, read in the code (not run as tests here): Retry-After parsing (SecretStoreHttp.ParseRetryAfter) caps
/// huge values at a day and MaxRetryAfter, reads negative as zero and non-numeric as none, an HTTP-date in the past as
/// zero and in the future as the wait to it; a wait asked past the budget left fails Build() at once, and a budget
/// used up fails it, both naming the source and StartupTimeout; the tick backoff clamps its exponent at 62 and its
/// ceiling at MaxDelay before multiplying, so huge failure counts and tiny MinDelay do not overflow. The 'throttled
/// for the whole budget' path is exercised by the Retry-After: 0 test below (it fails naming StartupTimeout).
/// Not reached in time: Google's retry of only the missing secrets (the same half-rotated risk as Azure's kept
/// listing: a secret accessed before the throttle is not accessed again), SecretJson.MaxEntries edges, and bypasses
/// of VaultPathRule and of the Google 'global' refusal.
/// </remarks>
public sealed class AttackTests22
{
    private const string Throttled = """{"error":{"code":"Throttled","message":"Request was not processed because too many requests were received."}}""";

    [Fact]
    public async Task A_rotation_between_a_throttled_first_load_and_its_retry_is_not_published_half_rotated()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 10; i++)
        {
            h.Vault.Put($"S{i}", "v1");
        }

        h.Clock.Fake.Advance(TimeSpan.FromSeconds(2)); // the writes are not "racy" when listed
        h.Vault.Fail("S9", new KeyVaultFault(429, Throttled, RetryAfterSeconds: 2));
        var building = Task.Run(() => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            h.Configure(secrets, kv => kv.MaxParallelism = 1);
        }).Build());

        // While the build waits out the throttle, every secret is rotated at once.
        await Task.WhenAny(building, Testing.Eventually.HoldsAsync(() => h.Clock.Waiting > 0 || building.IsCompleted, "the build waits out the throttle"));
        h.Clock.Fake.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 10; i++)
        {
            h.Vault.Put($"S{i}", "v2");
        }

        using var config = (ConfigurationRoot)await MoveClockUntilDoneAsync(h, building);
        var published = Enumerable.Range(0, 10).Select(i => config[$"S{i}"]).Distinct().ToList();
        Assert.True(published.Count == 1, $"one rotation published, not a mix: {string.Join(", ", published)}");
    }

    [Fact]
    public async Task A_named_secret_deleted_between_a_throttled_first_load_and_its_retry_fails_Build_as_a_missing_secret()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            h.Vault.Put($"S{i}", "v1");
        }

        h.Clock.Fake.Advance(TimeSpan.FromSeconds(2));
        h.Vault.Fail("S1", new KeyVaultFault(429, Throttled, RetryAfterSeconds: 2));
        var building = Task.Run(() => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            h.Configure(secrets, kv => kv.Secret("S0").Secret("S1").Secret("S2").MaxParallelism = 1);
        }).Build());

        await Task.WhenAny(building, Testing.Eventually.HoldsAsync(() => h.Clock.Waiting > 0 || building.IsCompleted, "the build waits out the throttle"));
        h.Vault.Delete("S2");

        // A required source naming a secret the vault does not have fails Build(); before, the listing kept from the
        // throttled attempt still named it, its GET's 404 dropped it quietly and the build succeeded without it.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => MoveClockUntilDoneAsync(h, building));
        Assert.Contains("has no secret 'S2'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vault_answering_429_with_Retry_After_0_for_the_whole_budget_is_not_asked_again_every_half_second()
    {
        // Retry-After: 0 (or a date already past) names no wait: the start-up backoff applies. Before, each wait was
        // 0 s plus up to MinRetryDelay of jitter, about 60 requests per pod over a 30 s budget into a throttled vault.
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a1");
        h.Vault.Fail("list", new KeyVaultFault(429, Throttled, RetryAfterSeconds: 0), times: 1000);
        var building = Task.Run(() => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            h.Configure(secrets);
        }).Build());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => MoveClockUntilDoneAsync(h, building, TimeSpan.FromMilliseconds(100), maxSteps: 600));
        Assert.Contains("StartupTimeout", error.ToString(), StringComparison.Ordinal);

        // The backoff held at 8 x MinRetryDelay (1 s), jittered down by at most half: 0.5 + 1 + 2 + 4 x 6 s fill 30 s.
        Assert.InRange(h.Vault.ListCount, 2, 12);
    }

    /// <summary>Moves the fake clock a step at a time (each time the builder sleeps on it) until <paramref name="building"/> ends; bounded.</summary>
    private static async Task<IConfigurationRoot> MoveClockUntilDoneAsync(KeyVaultHarness h, Task<IConfigurationRoot> building, TimeSpan? step = null, int maxSteps = 120)
    {
        for (var i = 0; i < maxSteps && !building.IsCompleted; i++)
        {
            await Task.WhenAny(building, Testing.Eventually.HoldsAsync(() => h.Clock.Waiting > 0 || building.IsCompleted, "the build sleeps on the clock or ends"));
            if (!building.IsCompleted)
            {
                h.Clock.Fake.Advance(step ?? TimeSpan.FromSeconds(1));
            }
        }

        return await building.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
