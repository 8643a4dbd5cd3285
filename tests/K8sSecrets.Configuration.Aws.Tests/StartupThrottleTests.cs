using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>
/// A required source whose store throttles its first load (a rollout meeting the account's quota) waits
/// within <see cref="KubernetesSecretsBuilder.StartupTimeout"/> instead of failing <c>Build()</c>; a setup
/// error still fails at once. <c>Build()</c> blocks, so it runs on another thread while the test moves the
/// fake clock; nothing here waits on real time but bounded waits for an event.
/// </summary>
public sealed class StartupThrottleTests
{
    private const string Throttled = """{"__type":"ThrottlingException","Message":"Rate exceeded"}""";

    [Fact]
    public async Task A_throttled_first_load_waits_and_Build_succeeds_once_the_throttle_lifts_within_the_budget()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.Fail("ListSecrets", new SmFault(400, Throttled), times: 3);

        var building = Task.Run(() => Build(h, startupTimeout: null));
        using var config = (ConfigurationRoot)await MoveClockUntilDoneAsync(h, building);

        Assert.Equal("a1", config["A"]);
        Assert.Equal(4, h.Fake.Count("ListSecrets"));
        Assert.Equal(3, h.Logs.Records.Count(r => r.Id.Name == "StartupThrottled"));
    }

    [Fact]
    public async Task Without_Retry_After_a_throttled_first_load_is_asked_again_at_least_every_8_s_so_ten_throttles_fit_a_70_s_budget()
    {
        // The ordinary backoff doubles to 2 minutes: its 7th wait alone (16-32 s, after at least 31.5 s) would
        // leave the quota idle and run past the budget. At start-up it stops growing at 8 × MinRetryDelay.
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.Fail("ListSecrets", new SmFault(400, Throttled), times: 10);

        var building = Task.Run(() => Build(h, TimeSpan.FromSeconds(70)));
        using var config = (ConfigurationRoot)await MoveClockUntilDoneAsync(h, building);

        Assert.Equal("a1", config["A"]);
        Assert.Equal(11, h.Fake.Count("ListSecrets"));
    }

    [Fact]
    public async Task A_store_that_throttles_for_the_whole_budget_fails_Build_naming_the_source_and_the_budget()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "SENTINEL-VALUE");
        h.Fake.Outage = new SmFault(400, """{"__type":"ThrottlingException","Message":"SENTINEL-MESSAGE"}""");

        var building = Task.Run(() => Build(h, TimeSpan.FromSeconds(10)));
        var error = await Assert.ThrowsAsync<SecretSourceException>(() => MoveClockUntilDoneAsync(h, building));

        Assert.StartsWith("aws-secrets-manager 'eu-west-1 prod/a' could not be loaded", error.Message, StringComparison.Ordinal);
        Assert.Contains("throttled for the whole start-up budget of 10 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("Secrets Manager throttled ListSecrets", error.Message, StringComparison.Ordinal);
        Assert.Contains("KubernetesSecretsBuilder.StartupTimeout", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsThrottled);
        Assert.True(h.Fake.Count("ListSecrets") > 2, "the store was asked again within the budget");
        Assert.DoesNotContain("SENTINEL", error.Message, StringComparison.Ordinal);
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_budget_left_fails_Build_at_once_saying_so()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.Fail("ListSecrets", new SmFault(400, Throttled, RetryAfterSeconds: 60));

        var error = await Assert.ThrowsAsync<SecretSourceException>(() => Task.Run(() => Build(h, TimeSpan.FromSeconds(30))).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("it asked to wait 60 s, more than the 30 s left of the start-up budget of 30 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, h.Fake.Count("ListSecrets"));
    }

    [Fact]
    public async Task A_denied_first_load_fails_Build_at_once_without_waiting()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.SecretErrors["prod/a"] = "AccessDeniedException";

        // The clock never moves: a wait on it would never end, so finishing proves there was none.
        var error = await Assert.ThrowsAsync<SecretSourceException>(() => Task.Run(() => Build(h, startupTimeout: null)).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.False(error.IsTransient);
        Assert.Contains("secretsmanager:GetSecretValue", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, h.Fake.Count("ListSecrets"));
        Assert.DoesNotContain(h.Logs.Records, r => r.Id.Name == "StartupThrottled");
    }

    [Fact]
    public async Task A_StartupTimeout_of_zero_fails_at_the_first_throttled_answer_as_before()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        h.Fake.Fail("ListSecrets", new SmFault(400, Throttled));

        var error = await Assert.ThrowsAsync<SecretSourceException>(() => Task.Run(() => Build(h, TimeSpan.Zero)).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("Secrets Manager throttled ListSecrets", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, h.Fake.Count("ListSecrets"));
    }

    [Fact]
    public void A_negative_StartupTimeout_is_refused_when_declared()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s =>
        {
            s.StartupTimeout = TimeSpan.FromSeconds(-1);
            s.FromAwsSecretsManager(aws => aws.Secret("prod/a"));
        }).Build());

        Assert.Equal("StartupTimeout", error.ParamName);
    }

    private static IConfigurationRoot Build(AwsHarness h, TimeSpan? startupTimeout) => new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
    {
        if (startupTimeout is { } timeout)
        {
            secrets.StartupTimeout = timeout;
        }

        h.Configure(secrets, aws => aws.Secret("prod/a", key: "A"));
    }).Build();

    /// <summary>Moves the fake clock a second at a time (each time the builder sleeps on it) until <paramref name="building"/> ends; bounded.</summary>
    private static async Task<IConfigurationRoot> MoveClockUntilDoneAsync(AwsHarness h, Task<IConfigurationRoot> building)
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
