using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>
/// The fleet simulation's reduced case (the full one is <c>fleet azure</c> in the benchmarks): 20 clients
/// start together against a vault whose transaction limit is scaled down to 20 per 10 s, so that their
/// 120 transactions are throttled for a minute of the fake clock.
/// </summary>
public sealed class FleetTests
{
    private const int Clients = 20;

    [Fact]
    public async Task Twenty_clients_meeting_the_vaults_limit_all_load_without_a_Build_failure_and_all_see_a_later_write()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            h.Vault.Put($"App--S{i}", $"v{i}");
        }

        h.Vault.Quota = new KeyVaultQuota(h.Clock, limit: 20, window: TimeSpan.FromSeconds(10));
        using var fleet = await TestFleet.BuildAsync(h.Clock, Clients, _ => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.StartupTimeout = TimeSpan.FromMinutes(10);
            h.Configure(secrets, kv => kv.PollInterval = TimeSpan.FromMinutes(1));
        }).Build(), TimeSpan.FromSeconds(1));

        Assert.Empty(fleet.Failures);
        Assert.All(fleet.Clients, c => Assert.Equal("v4", c!["App:S4"]));
        Assert.True(h.Vault.Quota.Window.Refused > 0, "the scaled-down limit throttled the rollout");

        h.Vault.Put("App--S0", "rotated");
        await fleet.MoveUntilAsync(() => fleet.Clients.All(c => c!["App:S0"] == "rotated"), TimeSpan.FromSeconds(5), maxSteps: 60, "every client sees the write");
    }
}
