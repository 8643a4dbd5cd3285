using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Vault.Tests;

public sealed class AuthTests
{
    [Fact]
    public async Task The_token_is_renewed_at_two_thirds_of_its_ttl_and_a_capped_renewal_leads_to_one_new_login()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.TokenTtl = TimeSpan.FromMinutes(60);
        h.Vault.TokenMaxTtl = TimeSpan.FromMinutes(150);
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var config = h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromHours(10);
            v.Secret("secret/app");
        });
        await File.WriteAllTextAsync(h.JwtPath, "eyJ.rotated-jwt-two");

        // Renewals fall at 40 and 80 minutes; at 120 only 30 minutes are left, the renewal is capped, and one login follows.
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(130), TimeSpan.FromMinutes(5));

        Assert.Equal(3, h.Vault.Count("auth/token/renew-self"));
        Assert.Equal(2, h.Vault.Count("auth/kubernetes/login"));
        Assert.Equal([VaultHarness.Jwt, "eyJ.rotated-jwt-two"], h.Vault.JwtsSeen);
        Assert.All(h.Vault.Requests.Where(r => r.Path.EndsWith("/login", StringComparison.Ordinal)), r => Assert.Null(r.Token));
        Assert.Equal(1, h.Vault.Count("secret/data/app"));
        Assert.Equal("blue", config["color"]);
    }

    [Fact]
    public async Task A_refused_renewal_leads_to_a_new_login()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromHours(10);
            v.Secret("secret/app");
        });
        foreach (var token in h.Vault.LiveTokens())
        {
            h.Vault.RevokeToken(token);
        }

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(5));

        Assert.Equal(1, h.Vault.Count("auth/token/renew-self"));
        Assert.Equal(2, h.Vault.Count("auth/kubernetes/login"));
        Assert.Single(h.Vault.LiveTokens());
    }

    [Fact]
    public async Task A_read_refused_because_the_token_died_logs_in_again_and_reads_once_more()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var config = h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromMinutes(5);
            v.Secret("secret/app");
        });
        foreach (var token in h.Vault.LiveTokens())
        {
            h.Vault.RevokeToken(token);
        }

        h.Vault.PutKv2("app", """{"color":"green"}""");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["color"] == "green", "the read after the new login is published");

        Assert.Equal(2, h.Vault.Count("auth/kubernetes/login"));
        Assert.Equal(3, h.Vault.Count("secret/data/app"));
    }

    [Fact]
    public async Task A_policy_refusal_after_startup_keeps_the_last_good_value_without_logging_in_again()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        h.Vault.PutKv2("other", """{"shape":"round"}""");
        var config = h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromMinutes(5);
            v.Secret("secret/app", section: "App").Secret("secret/other");
        });
        h.Vault.DeniedPaths.Add("secret/data/app");
        h.Vault.PutKv2("other", """{"shape":"square"}""");

        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["shape"] == "square", "the readable path is published");

        Assert.Equal("blue", config["App:color"]);
        Assert.Equal(1, h.Vault.Count("auth/kubernetes/login"));
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("\"read\" capability on \"secret/data/app\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AppRole_logs_in_with_role_id_and_secret_id()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");

        var config = h.Build(v => v.UseAppRole(h.Vault.AppRoleId, h.Vault.AppRoleSecretId).Secret("secret/app"));

        Assert.Equal("blue", config["color"]);
        var login = Assert.Single(h.Vault.Requests, r => r.Path == "auth/approle/login");
        Assert.Null(login.Token);
        Assert.Contains("\"role_id\":\"role-id-1\"", login.Body, StringComparison.Ordinal);
        Assert.Equal(0, h.Vault.Count("auth/kubernetes/login"));
    }

    [Fact]
    public async Task A_wrapped_secret_id_is_unwrapped_once_and_reused_for_later_logins()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.TokenTtl = TimeSpan.FromMinutes(60);
        h.Vault.TokenMaxTtl = TimeSpan.FromMinutes(60);
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var wrapping = h.Vault.WrapSecretId("hvs.wrapping-SENTINEL");

        var config = h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromHours(10);
            v.UseAppRole(h.Vault.AppRoleId, wrapping, wrapped: true).Secret("secret/app");
        });
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(5));

        Assert.Equal("blue", config["color"]);
        var unwrap = Assert.Single(h.Vault.Requests, r => r.Path == "sys/wrapping/unwrap");
        Assert.Equal(wrapping, unwrap.Token);
        Assert.Equal(string.Empty, unwrap.Body);
        Assert.Equal(2, h.Vault.Count("auth/approle/login"));
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task A_spent_wrapping_token_fails_the_build_with_a_clear_message()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");

        var error = Assert.Throws<SecretSourceException>(() => h.Build(v => v.UseAppRole(h.Vault.AppRoleId, "hvs.never-wrapped", wrapped: true).Secret("secret/app")));

        Assert.Contains("sys/wrapping/unwrap", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hvs.never-wrapped", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, h.Vault.Count("auth/approle/login"));
    }

    [Fact]
    public async Task A_given_token_is_looked_up_once_renewed_at_two_thirds_and_never_replaced_by_a_login()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var token = h.Vault.CreateToken("hvs.static-SENTINEL", TimeSpan.FromMinutes(30), TimeSpan.FromHours(24));

        var config = h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromHours(10);
            v.UseToken(token).Secret("secret/app");
        });
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(25), TimeSpan.FromMinutes(5));

        Assert.Equal("blue", config["color"]);
        Assert.Equal(1, h.Vault.Count("auth/token/lookup-self"));
        Assert.Equal(1, h.Vault.Count("auth/token/renew-self"));
        Assert.Equal(0, h.Vault.CountStartingWith("auth/kubernetes"));
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task A_token_file_is_read_again_and_a_new_token_there_is_used()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var file = Path.Combine(h.Folder, "vault-token");
        await File.WriteAllTextAsync(file, h.Vault.CreateToken("hvs.file-one", TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        var config = h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromMinutes(5);
            v.UseTokenFile(file).Secret("secret/app");
        });

        await File.WriteAllTextAsync(file, h.Vault.CreateToken("hvs.file-two", TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        h.Vault.RevokeToken("hvs.file-one");
        h.Vault.PutKv2("app", """{"color":"green"}""");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["color"] == "green", "the read with the new file token is published");

        Assert.Equal("hvs.file-two", h.Vault.Requests.Last(r => r.Path == "secret/data/app").Token);
    }

    [Fact]
    public async Task A_refused_kubernetes_login_fails_the_build_naming_the_method_and_the_fix()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.KubernetesRole = "someone-else";

        var error = Assert.Throws<SecretSourceException>(() => h.Build(v => v.Secret("secret/app")));

        Assert.Contains("Kubernetes auth (role 'payments', mount 'kubernetes')", error.Message, StringComparison.Ordinal);
        Assert.Contains("bound_service_account_names", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
    }
}
