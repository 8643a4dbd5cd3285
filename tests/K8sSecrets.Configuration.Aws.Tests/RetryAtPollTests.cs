using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Aws.Tests;

public sealed class RetryAtPollTests
{
    [Fact]
    public async Task An_optional_source_refused_at_start_is_read_again_one_poll_after_access_is_granted()
    {
        await using var h = await AwsHarness.StartAsync();
        h.Fake.Put("team/a", "1");
        h.Fake.DenyListSecrets = true;
        var config = h.Build(aws =>
        {
            aws.Optional = true;
            aws.PollInterval = TimeSpan.FromSeconds(1);
            aws.SecretsWithPrefix("team/");
        });
        Assert.Null(config["a"]);

        // AccessDenied is not transient, so the backoff alone would wait MaxRetryDelay (2 minutes); the poll is sooner.
        h.Fake.DenyListSecrets = false;
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        await Eventually.HoldsAsync(() => config["a"] == "1", "the value is published one poll after access is granted");
    }
}
