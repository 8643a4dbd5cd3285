using K8sSecrets.Configuration.Testing;

namespace K8sSecrets.Configuration.Vault.Tests;

public sealed class RetryAtPollTests
{
    [Fact]
    public async Task An_optional_source_refused_at_start_is_read_again_one_poll_after_access_is_granted()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"password":"p1"}""");
        h.Vault.Fail("auth/kubernetes/login", new VaultFault(403, """{"errors":["permission denied"]}""")); // the role is not bound yet
        var config = h.Build(v =>
        {
            v.Optional = true;
            v.PollInterval = TimeSpan.FromSeconds(1);
            v.Secret("secret/app");
        });
        Assert.Null(config["password"]);

        // The refused login is not transient, so the backoff alone would wait MaxRetryDelay (2 minutes); the poll is sooner.
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        await Eventually.HoldsAsync(() => config["password"] == "p1", "the value is published one poll after access is granted");
    }
}
