using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>A required source whose project quota is exhausted at start-up waits within the builder's StartupTimeout.</summary>
public sealed class StartupThrottleTests
{
    [Fact]
    public async Task RESOURCE_EXHAUSTED_without_Retry_After_at_start_is_waited_out_and_Build_succeeds()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        h.Store.Fail("access", new GsmFault(429, "RESOURCE_EXHAUSTED"), new GsmFault(429, "RESOURCE_EXHAUSTED"));

        var building = Task.Run(() => h.Build(gcp => gcp.Secret("db")));
        for (var step = 0; step < 60 && !building.IsCompleted; step++)
        {
            await Task.WhenAny(building, Testing.Eventually.HoldsAsync(() => h.Clock.Waiting > 0 || building.IsCompleted, "the build sleeps on the clock or ends"));
            if (!building.IsCompleted)
            {
                h.Clock.Fake.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var config = await building.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("one", config["db"]);
        Assert.Equal(3, h.Store.Count("access"));
        Assert.Equal(2, h.Logs.Records.Count(r => r.Id.Name == "StartupThrottled"));
    }

    [Fact]
    public async Task A_first_load_interrupted_by_the_quota_retries_only_the_secrets_it_still_lacks()
    {
        await using var h = await GoogleHarness.StartAsync();
        for (var i = 0; i < 4; i++)
        {
            h.Store.AddVersion($"s{i}", $"v{i}");
        }

        h.Store.Fail("access", new GsmFault(429, "RESOURCE_EXHAUSTED"));
        var building = Task.Run(() => h.Build(gcp => gcp.Secret("s0").Secret("s1").Secret("s2").Secret("s3")));
        for (var step = 0; step < 60 && !building.IsCompleted; step++)
        {
            await Task.WhenAny(building, Testing.Eventually.HoldsAsync(() => h.Clock.Waiting > 0 || building.IsCompleted, "the build sleeps on the clock or ends"));
            if (!building.IsCompleted)
            {
                h.Clock.Fake.Advance(TimeSpan.FromSeconds(1));
            }
        }

        var config = await building.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("v0|v1|v2|v3", string.Join("|", config["s0"], config["s1"], config["s2"], config["s3"]));
        Assert.Equal(5, h.Store.Count("access"));
    }

    [Fact]
    public async Task With_a_StartupTimeout_of_zero_a_quota_error_fails_Build_at_once_marked_as_a_throttle()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        h.Store.Outage = new GsmFault(429, "RESOURCE_EXHAUSTED");

        var error = await Assert.ThrowsAsync<SecretSourceException>(() => Task.Run(() => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.StartupTimeout = TimeSpan.Zero;
            h.Configure(secrets, gcp => gcp.Secret("db"));
        }).Build()).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.True(error.IsThrottled);
        Assert.Contains("429 RESOURCE_EXHAUSTED", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, h.Store.Count("access"));
    }
}
