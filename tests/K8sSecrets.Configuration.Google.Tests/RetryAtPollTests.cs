using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class RetryAtPollTests
{
    [Fact]
    public async Task An_optional_source_refused_at_start_is_read_again_one_poll_after_access_is_granted()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        h.Store.AccessDenied.Add("db");
        var config = h.Build(gcp =>
        {
            gcp.Optional = true;
            gcp.PollInterval = TimeSpan.FromSeconds(1);
            gcp.Secret("db");
        });
        Assert.Null(config["db"]);

        // PERMISSION_DENIED is not transient, so the backoff alone would wait MaxRetryDelay (2 minutes); the poll is sooner.
        h.Store.AccessDenied.Clear();
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        await Eventually.HoldsAsync(() => config["db"] == "one", "the value is published one poll after access is granted");
    }
}
