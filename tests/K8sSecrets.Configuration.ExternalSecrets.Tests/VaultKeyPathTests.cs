using K8sSecrets.Configuration.Vault.Tests;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>
/// The Vault API path a <c>remoteRef.key</c> is read at, against the controller's own table and the
/// fake Vault: each row puts a secret at the path the controller reads and checks that exactly that
/// path is read.
/// </summary>
public sealed class VaultKeyPathTests
{
    /// <summary>
    /// Every row of ESO's <c>TestGetSecretPath</c>, the table test of <c>buildPath</c>:
    /// external-secrets/external-secrets, providers/v1/vault/client_get_test.go at commit
    /// cc5bfbc2234ace9cb0caff4ea89c435cf517b27b (rule: providers/v1/vault/client_get.go, same commit).
    /// The table's stores are <c>path: secret/path</c> or no path, <c>version: v2</c> or <c>v1</c>.
    /// The last column is the mount the fake Vault serves the secret from.
    /// </summary>
    public static TheoryData<string, string?, string, string, string, string> EsoBuildPathTable => new()
    {
        { "PathWithoutFormatV2", "secret/path", "v2", "secret/path/data/test", "secret/path/data/test", "secret/path" },
        { "PathWithoutFormatV2_NoData", "secret/path", "v2", "secret/path/test", "secret/path/data/test", "secret/path" },
        { "PathWithoutFormatV2_NoPath", null, "v2", "secret/test/big/path", "secret/data/test/big/path", "secret" },
        { "PathWithoutFormatV2_NoPathWithData", null, "v2", "secret/test/data/not/the/first/and/data/twice", "secret/test/data/not/the/first/and/data/twice", "secret/test" },
        { "PathWithoutFormatV1", "secret/path", "v1", "secret/path/test", "secret/path/test", "secret/path" },
        { "PathWithoutFormatV1_NoPath", null, "v1", "secret/test", "secret/test", "secret" },
        { "WithoutPathButMountpointV2", "secret/path", "v2", "test", "secret/path/data/test", "secret/path" },
        { "WithoutPathButMountpointV1", "secret/path", "v1", "test", "secret/path/test", "secret/path" },
    };

    /// <summary>
    /// The two cases of the issue, from the same rule (client_get.go at cc5bfbc2): without a store
    /// path a key holding <c>/data/</c> is read as it is (a nested mount); with one, a key that
    /// does not start with it is put below it, <c>data/</c> included.
    /// </summary>
    public static TheoryData<string, string?, string, string, string, string> IssueCases => new()
    {
        { "nested mount, no store path", null, "v2", "kv/team-a/data/db", "kv/team-a/data/db", "kv/team-a" },
        { "key starting with data/, path secret", "secret", "v2", "data/db", "secret/data/data/db", "secret" },
        { "key repeating path and data/, path secret", "secret", "v2", "secret/data/db", "secret/data/db", "secret" },
        { "v1 key starting with data/, path kv", "kv", "v1", "data/db", "kv/data/db", "kv" },
    };

    [Theory]
    [MemberData(nameof(EsoBuildPathTable))]
    [MemberData(nameof(IssueCases))]
    public async Task A_key_is_read_at_the_path_the_controller_builds(string row, string? storePath, string version, string key, string expected, string mount)
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        if (version == "v2")
        {
            h.Vault.PutKv2At(mount, expected[(mount.Length + "/data/".Length)..], $$"""{"v":"{{row}}"}""");
        }
        else
        {
            h.Vault.PutKv1(expected, $$"""{"v":"{{row}}"}""");
        }

        var path = m.Write(Yaml(h, storePath, version, key));

        var config = m.Build(path, es => es.ServiceAccountTokenPath = h.JwtPath, s => s.TimeProvider = h.Clock);

        Assert.Equal(row, config["value"]);
        Assert.Equal(1, h.Vault.Count(expected));
        Assert.Equal(0, h.Vault.CountStartingWith("sys/internal/ui/mounts"));
    }

    public static TheoryData<string?, string, string> UnsafeKeys => new()
    {
        { "secret", "../../sys/raw/x", "holds a '..' segment" },
        { null, "secret/./app", "holds a '.' segment" },
        { "secret", "app?version=1", "holds '?'" },
        { "secret", "app#x", "holds '#'" },
        { "secret", "app%2F..", "holds '%'" },
        { "secret", "app\\..\\..\\sys", "holds '\\'" },
        { null, "http:evil/x", "holds ':' in its first segment" },
    };

    [Theory]
    [MemberData(nameof(UnsafeKeys))]
    public async Task A_key_that_would_leave_its_path_in_the_URL_is_refused_before_any_request(string? storePath, string key, string problem)
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        var path = m.Write(Yaml(h, storePath, "v2", key));

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.ServiceAccountTokenPath = h.JwtPath, s => s.TimeProvider = h.Clock));

        Assert.Contains($"spec.data[0].remoteRef.key: '{key}' gives the Vault path", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Empty(h.Vault.Requests);
    }

    [Fact]
    public void A_legacy_key_that_would_leave_its_path_is_refused()
    {
        using var m = new Manifest();
        var path = m.Write(VaultStoreTests.UserExample.Replace("key: secret/data/my-secret\n      property: username", "key: secret/data/../../sys/raw/x\n      property: username", StringComparison.Ordinal));

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.ConfigureVault(v => v.UseToken("t"))));

        Assert.Contains("spec.data[0].key: 'secret/data/../../sys/raw/x' holds a '..' segment", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_auth_mount_path_that_would_leave_the_login_URL_is_refused_before_any_request()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        var path = m.Write(Yaml(h, "secret", "v2", "app").Replace("role: payments", "role: payments\n          mountPath: kubernetes/../../sys/raw", StringComparison.Ordinal));

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.ServiceAccountTokenPath = h.JwtPath, s => s.TimeProvider = h.Clock));

        Assert.Contains("spec.provider.vault.auth.kubernetes.mountPath: 'kubernetes/../../sys/raw' holds a '..' segment", ex.Message, StringComparison.Ordinal);
        Assert.Empty(h.Vault.Requests);
    }

    [Fact]
    public async Task Two_keys_that_imply_nested_mounts_are_refused_naming_both()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        var path = m.Write(Yaml(h, null, "v2", "secret/data/team/db", "secret/team/data/api"));

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.ServiceAccountTokenPath = h.JwtPath, s => s.TimeProvider = h.Clock));

        Assert.Contains("external-secret.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains("spec.data[0].remoteRef.key: 'secret/data/team/db' is read below the mount 'secret'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("spec.data[1].remoteRef.key 'secret/team/data/api' is read below the mount 'secret/team'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(h.Vault.Requests);
    }

    [Fact]
    public async Task A_key_that_names_no_secret_below_a_mount_is_refused_with_the_path_the_controller_would_read()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        var path = m.Write(Yaml(h, null, "v2", "db"));

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.ServiceAccountTokenPath = h.JwtPath, s => s.TimeProvider = h.Clock));

        Assert.Contains("spec.data[0].remoteRef.key: 'db' gives the Vault path 'db/data'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("must start with the mount", ex.Message, StringComparison.Ordinal);
    }

    private static string Yaml(VaultHarness h, string? storePath, string version, params string[] keys)
    {
        var data = string.Concat(keys.Select((key, i) => $"""

              - secretKey: {(i == 0 ? "value" : "value" + i)}
                remoteRef:
                  key: {key}
                  property: v
            """));
        return $"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: app
            spec:
              secretStoreRef:
                name: store
              data:{data}
            ---
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: store
            spec:
              provider:
                vault:
                  server: "{h.Vault.Address}"
                  {(storePath is null ? string.Empty : "path: " + storePath)}
                  version: {version}
                  auth:
                    kubernetes:
                      role: payments
            """;
    }
}
