using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Azure.Tests;

public sealed class ErrorTests
{
    [Fact]
    public async Task A_403_on_the_list_at_startup_names_the_vault_and_the_role_and_carries_no_body()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a");
        h.Vault.DenyList = true;

        var error = Assert.Throws<SecretSourceException>(() => h.Build());

        Assert.Contains(h.Vault.Address.GetLeftPart(UriPartial.Authority), error.Message, StringComparison.Ordinal);
        Assert.Contains("denied listing its secrets (403 Forbidden)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Key Vault Secrets User'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'get' and 'list'", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Null(error.InnerException);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task A_403_on_a_secret_at_startup_names_the_secret_and_the_role()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("payments-db-password", "pw");
        h.Vault.Put("other", "o");
        h.Vault.DeniedSecrets.Add("payments-db-password");

        var error = Assert.Throws<SecretSourceException>(() => h.Build(kv => kv.Secret("payments-db-password", key: "Database:Password")));

        Assert.Contains("denied reading secret 'payments-db-password' (403 Forbidden)", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Key Vault Secrets User'", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_secret_that_does_not_exist_fails_the_build_by_name()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("present", "p");

        var error = Assert.Throws<SecretSourceException>(() => h.Build(kv => kv.Secret("present").Secret("missing-one")));

        Assert.Contains("has no secret 'missing-one'", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Theory]
    [InlineData(200, "not json SENTINEL-BODY")]
    [InlineData(200, """{"value":"SENTINEL-BODY"}""")]
    [InlineData(500, """{"error":{"code":"SENTINEL-BODY is here","message":"SENTINEL-BODY"}}""")]
    [InlineData(404, "<html>SENTINEL-BODY</html>")]
    public async Task A_bad_answer_to_the_list_fails_the_build_without_echoing_it(int status, string body)
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a");
        h.Vault.Fail("list", new KeyVaultFault(status, body), times: 2);

        var error = Assert.Throws<SecretSourceException>(() => h.Build());

        Assert.Contains(h.Vault.Address.GetLeftPart(UriPartial.Authority), error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task An_optional_vault_that_denies_access_starts_empty_and_fills_in_once_access_is_granted()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("A", "a");
        h.Vault.DenyList = true;
        var config = h.Build(kv =>
        {
            kv.Optional = true;
            kv.PollInterval = TimeSpan.FromMinutes(1);
        });
        Assert.Null(config["A"]);

        h.Vault.DenyList = false;
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(15));

        Assert.Equal("a", config["A"]);
    }

    [Fact]
    public void FromAzureKeyVault_checks_its_arguments()
    {
        new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => AzureKeyVaultSecretsBuilderExtensions.FromAzureKeyVault(null!, _ => { })).ParamName);
            Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => secrets.FromAzureKeyVault((Action<AzureKeyVaultOptions>)null!)).ParamName);
            Assert.Equal("vaultUri", Assert.Throws<ArgumentNullException>(() => secrets.FromAzureKeyVault((Uri)null!)).ParamName);
            Assert.Throws<InvalidOperationException>(() => secrets.FromAzureKeyVault(_ => { }));
            Assert.Equal("VaultUri", Assert.Throws<ArgumentException>(() => secrets.FromAzureKeyVault(new Uri("http://kv.vault.azure.net/"))).ParamName);
            Assert.Equal("PollInterval", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromAzureKeyVault(kv =>
            {
                kv.VaultUri = new Uri("https://kv.vault.azure.net/");
                kv.PollInterval = TimeSpan.Zero;
            })).ParamName);
            Assert.Equal("PollInterval", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromAzureKeyVault(kv =>
            {
                kv.VaultUri = new Uri("https://kv.vault.azure.net/");
                kv.PollInterval = SecretRetryPolicy.LongestWait + TimeSpan.FromTicks(1);
            })).ParamName);
            secrets.FromAzureKeyVault(kv =>
            {
                kv.VaultUri = new Uri("https://kv.vault.azure.net/");
                kv.PollInterval = SecretRetryPolicy.LongestWait;
            });
            Assert.Equal("MaxParallelism", Assert.Throws<ArgumentOutOfRangeException>(() => secrets.FromAzureKeyVault(kv =>
            {
                kv.VaultUri = new Uri("https://kv.vault.azure.net/");
                kv.MaxParallelism = 0;
            })).ParamName);
            Assert.Equal("name", Assert.Throws<ArgumentException>(() => secrets.FromAzureKeyVault(kv => kv.Secret("db_password"))).ParamName);
            Assert.Equal("key", Assert.Throws<ArgumentException>(() => secrets.FromAzureKeyVault(kv => kv.Secret("db", " "))).ParamName);
        });
    }
}
