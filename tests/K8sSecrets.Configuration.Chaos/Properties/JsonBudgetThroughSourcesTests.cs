using K8sSecrets.Configuration.Chaos.Tests.Soak;
using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Chaos.Tests.Properties;

/// <summary>
/// The flattener's entry budget seen through the sources that flatten a store's JSON by default
/// (Vault's KV data, an AWS <c>SecretString</c>): a secret that grows past it fails (the read, or that
/// one secret) naming the secret and the fix, the last good values stay, and no value reaches the
/// logs or the error.
/// </summary>
public sealed class JsonBudgetThroughSourcesTests
{
    private const string Sentinel = "BUDG3T-S3NT1NEL";

    [Theory]
    [InlineData("vault")]
    [InlineData("aws")]
    public async Task A_secret_past_the_entry_budget_keeps_the_last_good_values_and_says_why(string kind)
    {
        var clock = new TestClock();
        await using var source = await SoakSource.StartAsync(kind, clock.Fake);
        using var h = new SecretsHarness();
        await source.WriteAsync(Sentinel + "-1");
        var config = h.Build(secrets =>
        {
            secrets.TimeProvider = clock;
            source.Configure(secrets);
        });

        await source.WriteJsonAsync("{\"Password\":\"" + Sentinel + "-2\",\"list\":[" + string.Join(",", Enumerable.Repeat("\"" + Sentinel + "\"", SecretJson.MaxEntries)) + "]}");
        await h.Provider.RefreshAsync(CancellationToken.None);

        // Vault fails the read; AWS fails that one secret (a failing key): either way health says why.
        Assert.Equal(Sentinel + "-1", config[SoakSource.Rotated]);
        Assert.Equal(SoakSource.SteadyValue, config[SoakSource.Steady]);
        var health = h.Provider.GetHealth();
        Assert.False(health.IsHealthy);
        var error = string.Join(" | ", [health.LastError, .. health.FailingKeys.Select(f => f.Reason)]);
        Assert.Contains("more than 10000 values", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, error, StringComparison.Ordinal);
        Assert.True(error.Contains(kind == "vault" ? "'kv/app'" : "soak/app", StringComparison.Ordinal), $"The error names no secret: {error}");
        Assert.Equal(0, h.Reloads);

        await source.WriteAsync(Sentinel + "-3");
        Assert.True(await h.Provider.RefreshAsync(CancellationToken.None));
        Assert.Equal(Sentinel + "-3", config[SoakSource.Rotated]);
        Assert.True(h.Provider.GetHealth().IsHealthy);
        h.Logs.AssertNoSentinel(Sentinel);
    }

    [Fact]
    public async Task An_Azure_JSON_secret_past_the_entry_budget_keeps_its_last_good_value_and_is_named()
    {
        var vaultClock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var vault = await Azure.Tests.FakeKeyVault.StartAsync(vaultClock);
        using var h = new SecretsHarness();
        vault.Put("db", "{\"password\":\"" + Sentinel + "-1\"}", "application/json");
        var config = h.Build(secrets => secrets.FromAzureKeyVault(kv =>
        {
            kv.VaultUri = vault.Address;
            kv.Credential = new Azure.Tests.FakeCredential();
            kv.ClientOptions = Azure.Tests.KeyVaultHarness.ClientOptions();
            kv.FlattenJson("db");
        }));

        vaultClock.Advance(TimeSpan.FromSeconds(1));
        vault.Put("db", TooBig(Sentinel + "-2"), "application/json");
        await h.Provider.RefreshAsync(CancellationToken.None);

        Assert.Equal(Sentinel + "-1", config["db:password"]);
        AssertSaysWhy(h, "'db'");
    }

    [Fact]
    public async Task A_Google_JSON_secret_past_the_entry_budget_keeps_its_last_good_value_and_is_named()
    {
        await using var metadata = await Google.Tests.FakeMetadataServer.StartAsync();
        await using var secretManager = await Google.Tests.FakeSecretManager.StartAsync(metadata.IsValid);
        using var h = new SecretsHarness();
        secretManager.AddVersion("db-config", "{\"password\":\"" + Sentinel + "-1\"}");
        var config = h.Build(secrets => secrets.FromGoogleSecretManager(gcp =>
        {
            gcp.ProjectId = Google.Tests.FakeSecretManager.Project;
            gcp.Credential = new global::Google.Apis.Auth.OAuth2.ComputeCredential(new(metadata.TokenUrl));
            gcp.Endpoint = secretManager.Address;
            gcp.Secret("db-config", section: "Database");
        }));

        secretManager.AddVersion("db-config", TooBig(Sentinel + "-2"));
        await h.Provider.RefreshAsync(CancellationToken.None);

        Assert.Equal(Sentinel + "-1", config["Database:password"]);
        AssertSaysWhy(h, "'db-config'");
    }

    private static string TooBig(string password)
        => "{\"password\":\"" + password + "\",\"list\":[" + string.Join(",", Enumerable.Repeat("\"" + Sentinel + "\"", SecretJson.MaxEntries)) + "]}";

    private static void AssertSaysWhy(SecretsHarness h, string secret)
    {
        var health = h.Provider.GetHealth();
        var error = string.Join(" | ", [health.LastError, .. health.FailingKeys.Select(f => f.Reason)]);
        Assert.Contains("more than 10000 values", error, StringComparison.Ordinal);
        Assert.True(error.Contains(secret, StringComparison.Ordinal), $"The error names no secret: {error}");
        Assert.DoesNotContain(Sentinel, error, StringComparison.Ordinal);
        h.Logs.AssertNoSentinel(Sentinel);
    }
}
