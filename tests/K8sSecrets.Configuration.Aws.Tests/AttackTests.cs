using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>Issue 18 follow-up: attacks through the public API on the fixes of items 1 to 4 and 8.</summary>
public sealed class AttackTests
{
    [Fact]
    public async Task A_far_future_Date_on_a_refused_signature_cannot_make_every_later_request_fail()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");

        // A refusal whose Date is the last minutes of year 9999 (a proxy's or a broken clock's): the
        // correction learned from it must not leave the signer unable to sign once time moves on.
        var config = h.Build(aws => aws.Secret("prod/a", key: "A"));
        h.Fake.ServerClockOffset = new DateTimeOffset(9999, 12, 31, 23, 50, 0, TimeSpan.Zero) - h.Clock.GetUtcNow();
        var before = h.Fake.Requests.Count;
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Eventually.HoldsAsync(() => h.Fake.Requests.Count > before, "the poll answered with the far Date runs");
        await h.Clock.WaitUntilIdleAsync();
        h.Fake.ServerClockOffset = TimeSpan.Zero;

        h.Fake.Put("prod/a", "a2");
        for (var i = 0; i < 4 && config["A"] != "a2"; i++)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
            await h.Clock.WaitUntilIdleAsync();
        }

        Assert.Equal("a2", config["A"]);
    }

    [Fact]
    public async Task A_secret_declared_by_name_is_found_again_when_recreated_while_listing_is_denied()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.DenyListSecrets = true;
        h.Fake.Put("prod/a", "a1", arnSuffix: "AbCdEf");
        var config = h.Build(aws => aws.Secret("prod/a", key: "A"));
        Assert.Equal("a1", config["A"]);

        // Deleted and created again under the same name: a new ARN. The name still declares it.
        h.Fake.Delete("prod/a");
        h.Fake.Put("prod/a", "a2", arnSuffix: "QwErTy");
        for (var i = 0; i < 4 && config["A"] != "a2"; i++)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
            await h.Clock.WaitUntilIdleAsync();
        }

        Assert.Equal("a2", config["A"]);
    }

    [Fact]
    public async Task A_1_ms_poll_with_the_store_down_does_not_loop_hot()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        var config = h.Build(aws =>
        {
            aws.PollInterval = TimeSpan.FromMilliseconds(1);
            aws.Secret("prod/a", key: "A");
        });
        h.Fake.Outage = new SmFault(500, """{"__type":"InternalServiceError","Message":"down"}""");
        var before = h.Fake.Requests.Count;

        // 10 s of fake time in 50 ms steps: a retry at the 1 ms poll would be 200 reads or more; the floor is half of MinRetryDelay (1 s).
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));

        var requests = h.Fake.Requests.Count - before;
        Assert.InRange(requests, 1, 25);
        Assert.Equal("a1", config["A"]);
    }

    [Fact]
    public async Task A_1_ms_poll_still_honours_Retry_After()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        var config = h.Build(aws =>
        {
            aws.PollInterval = TimeSpan.FromMilliseconds(1);
            aws.Secret("prod/a", key: "A");
        });
        var provider = AwsHarness.Provider(config);
        h.Fake.Outage = new SmFault(400, """{"__type":"ThrottlingException","Message":"Rate exceeded"}""", RetryAfterSeconds: 30);
        await h.Clock.AdvanceAsync(TimeSpan.FromMilliseconds(5));
        await Eventually.HoldsAsync(() => provider.GetHealth().ConsecutiveFailures > 0, "the throttled read fails");
        var failedAt = h.Fake.Requests.Count;

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(1));
        Assert.Equal(failedAt, h.Fake.Requests.Count);

        h.Fake.Outage = null;
        h.Fake.Put("prod/a", "a2");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => config["A"] == "a2", "the read after Retry-After succeeds");
    }

    [Fact]
    public async Task A_listing_that_ends_exactly_on_the_page_cap_is_complete_for_a_prefix_and_a_name()
    {
        await using var h = await AwsHarness.StartAsync();
        for (var i = 0; i < 199; i++)
        {
            h.Fake.Put($"team/s{i:D3}", "v" + i);
        }

        h.Fake.Put("team-db", "db");
        var config = h.Build(aws =>
        {
            aws.MaxListPages = 2;
            aws.SecretsWithPrefix("team/", section: "T").Secret("team-db", key: "Db");
        });

        Assert.Equal("v198", config["T:s198"]);
        Assert.Equal("db", config["Db"]);

        // One more secret under the prefix: the listing no longer fits the cap, so the read fails and keeps every value.
        h.Fake.Put("team/s199", "v199");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Eventually.HoldsAsync(() => AwsHarness.Provider(config).GetHealth().ConsecutiveFailures > 0, "the cut listing fails the read");
        Assert.Equal("v198", config["T:s198"]);
        Assert.Equal("v0", config["T:s000"]);
        Assert.Null(config["T:s199"]);
    }

    [Theory]
    [InlineData("https://user@sm.example/")]
    [InlineData("https://us%3Aer:p%40ss@sm.example/")]
    [InlineData("https://:SENTINEL@sm.example/")]
    public async Task User_info_in_any_form_is_refused_without_repeating_it(string endpoint)
    {
        await using var h = await AwsHarness.StartAsync();
        var error = Assert.ThrowsAny<Exception>(() => h.Build(aws =>
        {
            aws.ServiceUrl = new Uri(endpoint);
            aws.Secret("prod/a", key: "A");
        }));

        Assert.Contains("user info", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("p%40ss", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("user@", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", h.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_while_a_retry_is_scheduled_ends_the_loop_without_another_request()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("prod/a", "a1");
        var config = h.Build(aws => aws.Secret("prod/a", key: "A"));
        var provider = AwsHarness.Provider(config);
        h.Fake.Outage = new SmFault(500, """{"__type":"InternalServiceError","Message":"down"}""");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Eventually.HoldsAsync(() => provider.GetHealth().ConsecutiveFailures > 0, "the read fails and a retry is scheduled");
        await h.Clock.WaitUntilIdleAsync();

        (config as IDisposable)!.Dispose();
        var after = h.Fake.Requests.Count;
        h.Clock.Fake.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(after, h.Fake.Requests.Count);
        Assert.DoesNotContain(h.Logs.Records, r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }
}

