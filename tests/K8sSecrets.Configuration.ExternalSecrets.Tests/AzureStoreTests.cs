using K8sSecrets.Configuration.Azure.Tests;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>ExternalSecret manifests with an <c>azurekv</c> store, read from the Azure tests' FakeKeyVault through the real SecretClient.</summary>
public sealed class AzureStoreTests
{
    [Fact]
    public async Task A_workload_identity_store_gives_the_controllers_keys_path_first_and_follows_a_rotation()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.Put("payments-db", """{"a.b":"literal","a":{"b":"path"},"password":"one"}""");
        h.Vault.Put("payments-flags", """{"ratio":1.50,"list":[1, 2]}""");
        h.Vault.Put("unrelated", "not read");
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: payments
            spec:
              refreshInterval: 1m
              secretStoreRef:
                name: azure
                kind: ClusterSecretStore
              data:
              - secretKey: Dotted
                remoteRef:
                  key: secret/payments-db
                  property: a.b
              - secretKey: Password
                remoteRef:
                  key: secret/payments-db
                  property: password
              dataFrom:
              - extract:
                  key: payments-flags
            ---
            apiVersion: external-secrets.io/v1
            kind: ClusterSecretStore
            metadata:
              name: azure
            spec:
              provider:
                azurekv:
                  authType: WorkloadIdentity
                  vaultUrl: "{h.Vault.Address}"
                  serviceAccountRef:
                    name: payments
            """);

        h.Clock.Fake.Advance(TimeSpan.FromSeconds(1)); // read a second after the writes, so no value is refetched to rule out a same-second write
        var config = m.Build(path, es => es.UseAzureKeyVault(kv =>
        {
            kv.Credential = h.Credential;                     // in a pod: WorkloadIdentityCredential from the webhook's environment
            kv.ClientOptions = KeyVaultHarness.ClientOptions(); // trusts the fake's test certificate
        }), s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        });

        Assert.Equal("path", config["Dotted"]);       // Azure: a dotted property is a path first (AWS and Google: a literal field first)
        Assert.Equal("one", config["Password"]);
        Assert.Equal("1.50", config["ratio"]);
        Assert.Equal("[1, 2]", config["list"]);
        Assert.Null(config["unrelated"]);
        Assert.Equal(0, h.Vault.Gets("unrelated"));
        Assert.NotEmpty(h.Credential.Requests);

        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1)); // the list shows a change by its update time, in seconds
        h.Vault.Put("payments-db", """{"a.b":"literal","a":{"b":"path"},"password":"two"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(20));

        Assert.Equal("two", config["Password"]);
        Assert.Equal(2, h.Vault.Gets("payments-db"));
        Assert.Equal(1, h.Vault.Gets("payments-flags")); // unchanged: listed, not fetched again
    }

    [Fact]
    public async Task Without_a_credential_override_WorkloadIdentity_signs_in_with_WorkloadIdentityCredential()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.Put("payments-db", "x");
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: payments
            spec:
              secretStoreRef:
                name: azure
              data:
              - secretKey: Db
                remoteRef:
                  key: payments-db
            ---
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: azure
            spec:
              provider:
                azurekv:
                  authType: WorkloadIdentity
                  vaultUrl: "{h.Vault.Address}"
            """);

        // No AZURE_FEDERATED_TOKEN_FILE here: the credential the store chose reports what it misses.
        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.UseAzureKeyVault(kv => kv.ClientOptions = KeyVaultHarness.ClientOptions()), s => s.TimeProvider = h.Clock));
        Assert.Contains("CredentialUnavailable", ex.Message, StringComparison.Ordinal);
        Assert.Empty(h.Credential.Requests);
    }
}
