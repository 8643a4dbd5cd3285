using K8sSecrets.Configuration.Testing;
using System.Collections.Concurrent;
using K8sSecrets.Configuration.Vault.Tests;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>ExternalSecret manifests read from the fake Vault (the Vault tests' FakeVault on loopback).</summary>
public sealed class VaultStoreTests
{
    /// <summary>The user's example from the issue, verbatim.</summary>
    public const string UserExample = """
        apiVersion: kubernetes-client.io/v1
        kind: ExternalSecret
        metadata:
          name: my-external-secret
        spec:
          backendType: vault
          data:
            - secretKey: username
              key: secret/data/my-secret
              property: username
            - secretKey: password
              key: secret/data/my-secret
              property: password
        """;

    [Fact]
    public async Task The_users_legacy_example_reaches_IOptionsMonitor_in_a_real_host_and_a_rotation_follows()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.PutKv2("my-secret", """{"username":"app","password":"one"}""");
        var path = m.Write(UserExample);
        await using var app = await OptionsMonitorHost.StartAsync(secrets =>
        {
            secrets.TimeProvider = h.Clock;
            secrets.LoggerFactory = h.Logs.Factory;
            secrets.FromExternalSecret(path, es =>
            {
                es.Section = "Database";
                es.RefreshInterval = TimeSpan.FromMinutes(1);
                es.ConfigureVault(v =>
                {
                    v.Address = h.Vault.Address; // in a pod: VAULT_ADDR, as the old controller read it
                    v.UseKubernetesAuth("payments", "kubernetes", h.JwtPath); // in a pod: spec.vaultRole or DEFAULT_VAULT_ROLE
                });
            });
        });
        Assert.Equal("app", app.Current.Username);
        Assert.Equal("one", app.Current.Password);
        Assert.Equal(1, h.Vault.Count("secret/data/my-secret"));

        h.Vault.PutKv2("my-secret", """{"username":"app","password":"two"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));

        Assert.Equal("two", app.Current.Password);
        Assert.Equal(["two"], app.Passwords);
        await app.StopAsync();
    }

    [Fact]
    public async Task An_eso_manifest_with_its_store_reads_kv2_data_a_pinned_version_and_extract()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.PutKv2("payments/db", """{"username":"app","password":"v1","pool":{"max":10}}""");
        h.Vault.PutKv2("payments/db", """{"username":"app","password":"v2","pool":{"max":20}}""");
        h.Vault.PutKv2("payments/flags", """{"beta":true,"ratio":1.50}""");
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
              - secretKey: Db__OldPassword
                remoteRef:
                  key: secret/payments/db
                  property: password
                  version: "1"
              - secretKey: Db__Pool
                remoteRef:
                  key: payments/db
                  property: pool
              dataFrom:
              - extract:
                  key: payments/flags
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

        Assert.Equal("v2", config["Db:Password"]);
        Assert.Equal("v1", config["Db:OldPassword"]);
        Assert.Equal("""{"max":20}""", config["Db:Pool"]);
        Assert.Equal("true", config["beta"]);
        Assert.Equal("1.5", config["ratio"]);
        Assert.Equal(2, h.Vault.Count("secret/data/payments/db")); // the latest and version 1
        Assert.Contains(h.Vault.Requests, r => r.Path == "secret/data/payments/db" && r.Query.Contains("version=1", StringComparison.Ordinal));
        Assert.Equal(0, h.Vault.CountStartingWith("sys/internal/ui/mounts"));
    }

    [Fact]
    public async Task A_kv1_store_with_a_mounted_token_file_reads_and_follows_a_change_at_refreshInterval()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.PutKv1("kv/payments/api", """{"key":"k1"}""");
        var tokenFile = Path.Combine(m.Folder, "vault-token");
        File.WriteAllText(tokenFile, h.Vault.CreateToken("s.mounted-token", TimeSpan.FromHours(1), TimeSpan.FromHours(24)) + "\n");
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1beta1
            kind: ExternalSecret
            metadata:
              name: api
            spec:
              refreshInterval: 15s
              secretStoreRef:
                name: kv1
              data:
              - secretKey: ApiKey
                remoteRef:
                  key: payments/api
                  property: key
            ---
            apiVersion: external-secrets.io/v1beta1
            kind: SecretStore
            metadata:
              name: kv1
            spec:
              provider:
                vault:
                  server: "{h.Vault.Address}"
                  path: kv
                  version: v1
                  auth:
                    tokenSecretRef:
                      name: vault-token
                      key: token
            """);

        var config = m.Build(path, es => es.MapKeyToFile("vault-token", "token", tokenFile), s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        });
        Assert.Equal("k1", config["ApiKey"]);
        Assert.Contains(h.Vault.Requests, r => r.Path == "kv/payments/api" && r.Token == "s.mounted-token");

        h.Vault.PutKv1("kv/payments/api", """{"key":"k2"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(10));
        Assert.Equal("k2", config["ApiKey"]);
    }

    [Fact]
    public async Task AppRole_reads_its_role_and_secret_ids_from_mapped_files()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.PutKv2("payments/db", """{"password":"pw"}""");
        var secretIdFile = Path.Combine(m.Folder, "secret-id");
        File.WriteAllText(secretIdFile, h.Vault.AppRoleSecretId + "\n");
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: payments
            spec:
              secretStoreRef:
                name: approle
              data:
              - secretKey: password
                remoteRef:
                  key: payments/db
                  property: password
            """);
        var storePath = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: approle
            spec:
              provider:
                vault:
                  server: "{h.Vault.Address}"
                  path: secret
                  auth:
                    appRole:
                      path: approle
                      roleId: "{h.Vault.AppRoleId}"
                      secretRef:
                        name: approle-secret
                        key: secret-id
            """, "store.yaml");

        var config = m.Build(path, es =>
        {
            es.StorePath = storePath;
            es.MapKeyToFile("approle-secret", "secret-id", secretIdFile);
        }, s => s.TimeProvider = h.Clock);

        Assert.Equal("pw", config["password"]);
        Assert.Equal(1, h.Vault.Count("auth/approle/login"));
    }
}
