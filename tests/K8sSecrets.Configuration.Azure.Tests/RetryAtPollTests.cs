using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Azure.Tests;

public sealed class RetryAtPollTests
{
    [Fact]
    public async Task An_optional_vault_refused_at_start_is_read_again_one_poll_after_access_is_granted()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a");
        h.Vault.DenyList = true;
        var config = h.Build(kv =>
        {
            kv.Optional = true;
            kv.PollInterval = TimeSpan.FromSeconds(1);
        });
        Assert.Null(config["A"]);

        // The 403 is not transient, so the backoff alone would wait MaxRetryDelay (2 minutes); the poll is sooner.
        h.Vault.DenyList = false;
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        await Eventually.HoldsAsync(() => config["A"] == "a", "the value is published one poll after access is granted");
    }
}
