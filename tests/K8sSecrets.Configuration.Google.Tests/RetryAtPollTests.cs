using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class RetryAtPollTests
{
    [Fact]
    public async Task An_optional_source_refused_at_start_is_read_again_one_poll_after_access_is_granted()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        h.Store.SetLabel("db", "app", "payments");
        h.Store.Fail("list", new GsmFault(403, "PERMISSION_DENIED")); // secretmanager.secrets.list is not granted yet
        var config = h.Build(gcp =>
        {
            gcp.Optional = true;
            gcp.PollInterval = TimeSpan.FromSeconds(1);
            gcp.SecretsWithLabel("app", "payments");
        });
        Assert.Null(config["db"]);

        // PERMISSION_DENIED is not transient, so the backoff alone would wait MaxRetryDelay (2 minutes); the poll is sooner.
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        await Eventually.HoldsAsync(() => config["db"] == "one", "the value is published one poll after access is granted");
    }
}
