using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>
/// The fleet simulation's reduced case (the full one is <c>fleet google</c> in the benchmarks): 20 clients start
/// together against an access quota scaled down to 30 per 10 s, so that their 100 accesses are throttled
/// (<c>RESOURCE_EXHAUSTED</c>, no <c>Retry-After</c>) and no metadata read is made.
/// </summary>
public sealed class FleetTests
{
    private const int Clients = 20;
    private static readonly TimeSpan Poll = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Twenty_clients_meeting_the_access_quota_all_load_poll_spread_over_the_interval_and_all_see_a_later_write()
    {
        await using var h = await GoogleHarness.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            h.Store.AddVersion($"s{i}", $"v{i}");
        }

        h.Store.Quota = new SecretManagerQuota(h.Clock, accessLimit: 30, readLimit: 1, window: TimeSpan.FromSeconds(10));
        using var fleet = await TestFleet.BuildAsync(h.Clock, Clients, _ => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.StartupTimeout = TimeSpan.FromMinutes(5);
            h.Configure(secrets, gcp =>
            {
                gcp.PollInterval = Poll;
                for (var i = 0; i < 5; i++)
                {
                    gcp.Secret($"s{i}");
                }
            });
        }).Build(), TimeSpan.FromSeconds(1));

        Assert.Empty(fleet.Failures);
        Assert.All(fleet.Clients, c => Assert.Equal("v4", c!["s4"]));
        Assert.True(h.Store.Quota.Access.Refused > 0, "the scaled-down quota throttled the rollout");
        Assert.Equal(0, h.Store.Quota.Read.Admitted + h.Store.Quota.Read.Refused);

        // Pods loaded together do not poll together: some poll in the first half of the interval.
        var accesses = h.Store.Count("access");
        var halfway = h.Clock.GetUtcNow() + (Poll * 0.55);
        await fleet.MoveUntilAsync(() => h.Clock.GetUtcNow() >= halfway, TimeSpan.FromSeconds(10), maxSteps: 60, "half the interval passed");
        Assert.True(h.Store.Count("access") > accesses, "some client polled in the first half of the interval");

        h.Store.AddVersion("s0", "rotated");
        await fleet.MoveUntilAsync(() => fleet.Clients.All(c => c!["s0"] == "rotated"), TimeSpan.FromSeconds(10), maxSteps: 60, "every client sees the write");
    }
}
