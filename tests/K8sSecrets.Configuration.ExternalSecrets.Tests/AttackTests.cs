using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>Issue 18 follow-up (item 8 through manifests): an address holding user info never reaches an error.</summary>
public sealed class AttackTests
{
    private const string Sentinel = "SENTINEL-USERINFO-7d2a";

    [Theory]
    [InlineData("azurekv", $"vaultUrl: http://app:{Sentinel}@kv.vault.azure.net/\n      authType: ManagedIdentity")]
    [InlineData("azurekv", $"vaultUrl: \"https://app:{Sentinel}@kv.vault.azure.net/\"\n      authType: ManagedIdentity")]
    [InlineData("azurekv", $"vaultUrl: \"app:{Sentinel}@kv.vault.azure.net\"\n      authType: ManagedIdentity")]
    [InlineData("vault", $"server: \"ftp://app:{Sentinel}@vault:8200\"\n      auth:\n        kubernetes:\n          role: app")]
    [InlineData("vault", $"server: \"https://app:{Sentinel}@vault:8200\"\n      auth:\n        kubernetes:\n          role: app")]
    [InlineData("vault", $"server: \"vault:{Sentinel}@vault:8200\"\n      auth:\n        kubernetes:\n          role: app")]
    public void A_store_address_with_user_info_is_refused_without_repeating_it(string provider, string block)
    {
        using var m = new Manifest();
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: app
            spec:
              secretStoreRef:
                name: store
              data:
              - secretKey: value
                remoteRef:
                  key: db
            ---
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: store
            spec:
              provider:
                {provider}:
                  {block}
            """);

        var error = Assert.ThrowsAny<Exception>(() => m.Build(path, es => es.UseAzureKeyVault()));

        Assert.DoesNotContain(Sentinel, error.ToString(), StringComparison.Ordinal);
    }
}
