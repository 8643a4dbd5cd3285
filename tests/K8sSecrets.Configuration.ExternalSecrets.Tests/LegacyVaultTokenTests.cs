using K8sSecrets.Configuration.Vault.Tests;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>
/// The legacy <c>backendType: vault</c> identity, read from the process environment as the old
/// controller read it (kubernetes-external-secrets at eeafe4d7: config/index.js, lib/backends/vault-backend.js;
/// node-vault v0.9.18 src/index.js: <c>client.token = config.token || process.env.VAULT_TOKEN</c>).
/// The variables are process-wide, so these tests run alone and restore them.
/// </summary>
[Collection(nameof(LegacyVaultTokenTests))]
[CollectionDefinition(nameof(LegacyVaultTokenTests), DisableParallelization = true)]
public sealed class LegacyVaultTokenTests
{
    private const string Token = "hvs.SENTINEL-VAULT-TOKEN-4d2c";

    [Fact]
    public async Task Without_a_role_the_seed_manifest_reads_with_VAULT_ADDR_and_VAULT_TOKEN_and_never_logs_the_token()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.PutKv2("my-secret", """{"username":"app","password":"one"}""");
        h.Vault.CreateToken(Token, TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        var path = m.Write(VaultStoreTests.UserExample);
        using var environment = new EnvironmentScope(("VAULT_ADDR", h.Vault.Address.ToString()), ("VAULT_TOKEN", Token), ("DEFAULT_VAULT_ROLE", null));

        var config = m.Build(path, es => es.RefreshInterval = TimeSpan.FromMinutes(1), s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        });

        Assert.Equal("app", config["username"]);
        Assert.Equal("one", config["password"]);
        Assert.All(h.Vault.Requests, r => Assert.Equal(Token, r.Token));
        Assert.Equal(0, h.Vault.Count("auth/kubernetes/login"));

        // A refused token fails the refresh, which keeps the values and logs without the token.
        h.Vault.RevokeToken(Token);
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));
        Assert.Equal("one", config["password"]);
        Assert.NotEmpty(h.Logs.Records);
        h.Logs.AssertNoSentinel(Token);
    }

    [Fact]
    public async Task A_refused_VAULT_TOKEN_fails_the_start_without_the_token_in_the_error_or_the_logs()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.PutKv2("my-secret", """{"username":"app","password":"one"}""");
        var path = m.Write(VaultStoreTests.UserExample);
        using var environment = new EnvironmentScope(("VAULT_ADDR", h.Vault.Address.ToString()), ("VAULT_TOKEN", Token), ("DEFAULT_VAULT_ROLE", null));

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }, s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        }));

        Assert.Contains("VAULT_TOKEN", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, ex.ToString(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel(Token);
    }

    [Fact]
    public async Task A_role_is_used_before_VAULT_TOKEN_since_a_refused_token_cannot_fall_back_to_a_login()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.PutKv2("my-secret", """{"username":"app","password":"one"}""");
        var path = m.Write(VaultStoreTests.UserExample);
        using var environment = new EnvironmentScope(("VAULT_ADDR", h.Vault.Address.ToString()), ("VAULT_TOKEN", Token), ("DEFAULT_VAULT_ROLE", "payments"));

        var config = m.Build(path, es => es.ServiceAccountTokenPath = h.JwtPath, s => s.TimeProvider = h.Clock);

        Assert.Equal("one", config["password"]);
        Assert.Equal(1, h.Vault.Count("auth/kubernetes/login"));
        Assert.DoesNotContain(h.Vault.Requests, r => r.Token == Token);
    }

    [Fact]
    public void Without_a_role_or_VAULT_TOKEN_the_error_names_every_way_to_give_one()
    {
        using var m = new Manifest();
        var path = m.Write(VaultStoreTests.UserExample);
        using var environment = new EnvironmentScope(("VAULT_ADDR", "https://vault:8200"), ("VAULT_TOKEN", null), ("DEFAULT_VAULT_ROLE", null));

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, _ => { }));

        Assert.Contains("external-secret.yaml", ex.Message, StringComparison.Ordinal);
        Assert.Contains("spec.vaultRole", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DEFAULT_VAULT_ROLE", ex.Message, StringComparison.Ordinal);
        Assert.Contains("VAULT_TOKEN", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Sets process environment variables and puts the previous values back.</summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly List<(string Name, string? Value)> _previous = [];

        public EnvironmentScope(params (string Name, string? Value)[] variables)
        {
            foreach (var (name, value) in variables)
            {
                _previous.Add((name, Environment.GetEnvironmentVariable(name)));
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _previous)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
