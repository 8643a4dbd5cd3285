namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>Issue 18 follow-up: attacks through the public API on the Azure store.</summary>
public sealed class AttackTests
{
    [Theory]
    [InlineData("secrets/Other/0123456789abcdef0123456789abcdef")]
    [InlineData("secrets/A-admin/0123456789abcdef0123456789abcdef")]
    [InlineData("keys/A/0123456789abcdef0123456789abcdef")]
    public async Task A_value_answered_under_another_secrets_id_is_never_published(string path)
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a1");
        var config = h.Build(kv => kv.PollInterval = TimeSpan.FromSeconds(30));
        Assert.Equal("a1", config["A"]);

        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1)); // a new "updated" stamp for the listing
        h.Vault.Put("A", "a2");
        h.Vault.Fail("A", new KeyVaultFault(200, $$$"""{"value":"WRONG-other","id":"{{{h.Vault.Address}}}{{{path}}}","attributes":{"enabled":true}}"""));
        var before = h.Vault.Gets("A");
        for (var step = 0; step < 12 && h.Vault.Gets("A") == before; step++)
        {
            await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(10));
            await h.Clock.WaitUntilIdleAsync();
        }

        Assert.True(h.Vault.Gets("A") > before, "the poll reads the changed secret");

        Assert.NotEqual("WRONG-other", config["A"]);
    }
}
