using K8sSecrets.Configuration.Testing;
using K8sSecrets.Configuration.Vault.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>Issue 18 item 14: one remote ref refused leaves its secretKey stale, and health says so until it reads again.</summary>
public sealed class KeyHealthTests
{
    [Fact]
    public async Task One_remote_ref_denied_degrades_health_naming_its_key_until_it_reads_again()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.PutKv2("payments/db", """{"password":"one"}""");
        h.Vault.PutKv2("payments/api", """{"key":"k1"}""");
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: payments
            spec:
              refreshInterval: 1h
              secretStoreRef:
                name: vault-backend
                kind: ClusterSecretStore
              data:
              - secretKey: Db__Password
                remoteRef:
                  key: payments/db
                  property: password
              - secretKey: ApiKey
                remoteRef:
                  key: payments/api
                  property: key
            ---
            apiVersion: external-secrets.io/v1
            kind: ClusterSecretStore
            metadata:
              name: vault-backend
            spec:
              provider:
                vault:
                  server: "{h.Vault.Address}"
                  path: secret
                  version: v2
                  auth:
                    kubernetes:
                      mountPath: kubernetes
                      role: payments
                      serviceAccountRef:
                        name: payments
            """);
        var config = m.Build(path, es => es.ServiceAccountTokenPath = h.JwtPath, s => s.TimeProvider = h.Clock);
        var provider = config.Providers.OfType<SecretsConfigurationProvider>().Single();
        Assert.Equal(HealthStatus.Healthy, (await SecretsHealth.CheckAsync(config)).Status);

        h.Vault.PutKv2("payments/db", """{"password":"two"}""");
        h.Vault.DeniedPaths.Add("secret/data/payments/db");
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await provider.RefreshAsync(CancellationToken.None));
        }

        Assert.Equal("one", config["Db:Password"]);
        Assert.Equal(0, provider.GetHealth().ConsecutiveFailures);
        Assert.Equal("Db:Password", Assert.Single(provider.GetHealth().FailingKeys).Key);
        var health = await SecretsHealth.CheckAsync(config);
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("'Db:Password' has failed every read since", health.Description, StringComparison.Ordinal);

        h.Vault.DeniedPaths.Clear();
        Assert.True(await provider.RefreshAsync(CancellationToken.None));
        Assert.Equal("two", config["Db:Password"]);
        Assert.Equal(HealthStatus.Healthy, (await SecretsHealth.CheckAsync(config)).Status);
    }
}
