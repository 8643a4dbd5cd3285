using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Azure.Tests;

public sealed class EndpointUserInfoTests
{
    private const string Password = "SENTINEL-PW";

    [Theory]
    [InlineData("https://admin:" + Password + "@payments-kv.vault.azure.net/")]
    [InlineData("https://" + Password + "@payments-kv.vault.azure.net/")]
    public void A_VaultUri_with_user_info_is_refused_by_FromAzureKeyVault_without_the_password(string vaultUri)
    {
        new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            AssertRefused(() => secrets.FromAzureKeyVault(new Uri(vaultUri)), "VaultUri");
            AssertRefused(() => secrets.FromAzureKeyVault(kv => kv.VaultUri = new Uri(vaultUri)), "VaultUri");
        });
    }

    [Fact]
    public void A_client_whose_address_holds_user_info_is_refused_too()
    {
        var client = new SecretClient(new Uri("https://admin:" + Password + "@payments-kv.vault.azure.net/"), new FakeCredential(), KeyVaultHarness.ClientOptions());

        new ConfigurationBuilder().AddKubernetesSecrets(secrets => AssertRefused(() => secrets.FromAzureKeyVault(kv => kv.Client = client), "Client"));
    }

    private static void AssertRefused(Action from, string parameter)
    {
        var error = Assert.Throws<ArgumentException>(from);
        Assert.Equal(parameter, error.ParamName);
        Assert.Contains("user info", error.Message, StringComparison.Ordinal);
        Assert.Contains("Credential", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }
}
