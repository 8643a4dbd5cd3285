using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>
/// The fleet simulation's reduced case (the full one is <c>fleet aws</c> in the benchmarks): 20 clients start
/// together against quotas scaled down to 5 <c>ListSecrets</c> and 5 <c>BatchGetSecretValue</c> a second, so that
/// the rollout is throttled (<c>ThrottlingException</c>, no <c>Retry-After</c>).
/// </summary>
public sealed class FleetTests
{
    private const int Clients = 20;
    private static readonly TimeSpan Poll = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Twenty_clients_meeting_the_quota_all_load_poll_spread_over_the_interval_and_all_see_a_later_write()
    {
        await using var h = await AwsHarness.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            h.Fake.Put($"app/s{i}", $"v{i}");
        }

        h.Fake.Quota = new SecretsManagerQuota(h.Clock.Fake, scale: 0.05);
        using var fleet = await TestFleet.BuildAsync(h.Clock, Clients, _ => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.StartupTimeout = TimeSpan.FromMinutes(2);
            h.Configure(secrets, aws =>
            {
                aws.PollInterval = Poll;
                for (var i = 0; i < 5; i++)
                {
                    aws.Secret($"app/s{i}");
                }
            });
        }).Build(), TimeSpan.FromSeconds(1));

        Assert.Empty(fleet.Failures);
        Assert.All(fleet.Clients, c => Assert.Equal("v4", c!["app:s4"]));
        Assert.True(h.Fake.Quota.Refused > 0, "the scaled-down quota throttled the rollout");

        // Pods loaded together do not poll together: some poll in the first half of the interval (never, when
        // every first poll came after 90% of it), so the fleet's polls are spread over the interval.
        var lists = h.Fake.Count("ListSecrets");
        var halfway = h.Clock.GetUtcNow() + (Poll * 0.55);
        await fleet.MoveUntilAsync(() => h.Clock.GetUtcNow() >= halfway, TimeSpan.FromSeconds(10), maxSteps: 60, "half the interval passed");
        Assert.True(h.Fake.Count("ListSecrets") > lists, "some client polled in the first half of the interval");

        h.Fake.Put("app/s0", "rotated");
        await fleet.MoveUntilAsync(() => fleet.Clients.All(c => c!["app:s0"] == "rotated"), TimeSpan.FromSeconds(10), maxSteps: 60, "every client sees the write");
    }
}
