using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class ScheduleTests
{
    [Fact]
    public async Task A_secret_whose_read_may_work_on_retry_is_retried_with_the_retry_policy_before_the_next_poll_without_reading_the_others()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        h.Store.AddVersion("api", "a1");
        var config = h.Build(gcp =>
        {
            gcp.PollInterval = TimeSpan.FromHours(1);
            gcp.Secret("db").Secret("api");
        });

        h.Store.AddVersion("db", "two");
        h.Store.CorruptCrc.Add("db");
        // The first poll falls anywhere in the first interval: move a minute at a time until it has read the bad
        // payload, so that the secret's retry backoff is still at its first step.
        bool Logged() => h.Logs.Records.Any(r => r.Message.Contains("CRC32C", StringComparison.Ordinal));
        for (var minute = 0; minute < 61 && !Logged(); minute++)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(1));
            await h.Clock.WaitUntilIdleAsync();
        }

        await Eventually.HoldsAsync(Logged, "the corrupted read is logged");
        Assert.Equal("one", config["db"]);

        h.Store.CorruptCrc.Clear();
        var apiChecks = h.Store.Count("access", "api");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => config["db"] == "two", "the failed secret is read again after the retry backoff, long before the next poll");
        Assert.Equal(apiChecks, h.Store.Count("access", "api"));
    }

    [Fact]
    public async Task A_poll_interval_of_more_than_a_day_is_refused_and_one_day_is_accepted()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => h.Build(gcp =>
        {
            gcp.PollInterval = SecretRetryPolicy.LongestWait + TimeSpan.FromSeconds(1);
            gcp.Secret("db");
        }));
        Assert.Equal("PollInterval", error.ParamName);
        Assert.Contains("at most 24 hours", error.Message, StringComparison.Ordinal);

        var config = h.Build(gcp =>
        {
            gcp.PollInterval = SecretRetryPolicy.LongestWait;
            gcp.Secret("db");
        });
        Assert.Equal("one", config["db"]);
    }

    [Fact]
    public async Task The_key_delimiters_default_to_double_dash_and_double_underscore_and_can_be_changed()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("feature--flags", "on");
        h.Store.AddVersion("smtp__password", "p");

        var mapped = h.Build(gcp => gcp.Secret("feature--flags").Secret("smtp__password"));
        var unmapped = h.Build(gcp =>
        {
            gcp.KeyDelimiters = [];
            gcp.Secret("feature--flags").Secret("smtp__password");
        });

        Assert.Equal("on", mapped["feature:flags"]);
        Assert.Equal("p", mapped["smtp:password"]);
        Assert.Equal("on", unmapped["feature--flags"]);
        Assert.Equal("p", unmapped["smtp__password"]);
        Assert.Null(unmapped["feature:flags"]);
    }
}
