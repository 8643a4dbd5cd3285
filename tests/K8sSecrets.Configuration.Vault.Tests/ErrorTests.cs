using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Vault.Tests;

public sealed class ErrorTests
{
    public static TheoryData<VaultFault> InvalidBodies => new()
    {
        new VaultFault(200, "<html><body>proxy login SENTINEL-BODY</body></html>"),
        new VaultFault(200, """{"data":{"data":{"password":"SENTINEL-BODY"""),
        new VaultFault(200, """["SENTINEL-BODY"]"""),
        new VaultFault(200, """{"data":null,"note":"SENTINEL-BODY"}"""),
    };

    [Fact]
    public async Task A_403_at_startup_fails_the_build_naming_the_path_the_auth_method_and_the_capability()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("payments/db", """{"password":"SENTINEL-VALUE"}""");
        h.Vault.DeniedPaths.Add("secret/data/payments/db");

        var error = Assert.Throws<SecretSourceException>(() => h.Build(v => v.Secret("secret/payments/db", section: "Database")));

        Assert.Contains("'secret/payments/db'", error.Message, StringComparison.Ordinal);
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
        Assert.Contains("Kubernetes auth (role 'payments', mount 'kubernetes')", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"read\" capability on \"secret/data/payments/db\"", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_404_at_startup_fails_the_build_naming_the_path_the_auth_method_and_the_capability()
    {
        await using var h = await VaultHarness.StartAsync();

        var error = Assert.Throws<SecretSourceException>(() => h.Build(v => v.Secret("secret/payments/missing")));

        Assert.Contains("'secret/payments/missing'", error.Message, StringComparison.Ordinal);
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Contains("Kubernetes auth (role 'payments'", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"read\" capability on \"secret/data/payments/missing\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_latest_version_at_startup_is_absent_and_says_so()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        h.Vault.DeleteLatestKv2("app");

        var error = Assert.Throws<SecretSourceException>(() => h.Build(v => v.Secret("secret/app")));

        Assert.Contains("deleted or destroyed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_optional_source_publishes_what_it_can_and_records_the_refused_path()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        h.Vault.PutKv2("hidden", """{"key":"SENTINEL-VALUE"}""");
        h.Vault.DeniedPaths.Add("secret/data/hidden");

        var config = h.Build(v =>
        {
            v.Optional = true;
            v.Secret("secret/app").Secret("secret/hidden", section: "Hidden");
        });

        Assert.Equal("blue", config["color"]);
        Assert.Null(config["Hidden:key"]);
        var health = config.Providers.OfType<SecretsConfigurationProvider>().Single().GetHealth();
        Assert.Contains("secret/data/hidden", health.LastError, StringComparison.Ordinal);
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_body_at_startup_fails_the_build_without_echoing_it(VaultFault fault)
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        h.Vault.Fail("secret/data/app", fault);

        var error = Assert.Throws<SecretSourceException>(() => h.Build(v => v.Secret("secret/app")));

        Assert.Contains("invalid response from Vault at secret/data/app", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_body_after_startup_keeps_the_last_good_values(VaultFault fault)
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var config = h.Build(v => v.Secret("secret/app"));
        var provider = config.Providers.OfType<SecretsConfigurationProvider>().Single();
        h.Vault.Fail("secret/data/app", fault);

        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Testing.Eventually.HoldsAsync(() => provider.GetHealth().ConsecutiveFailures > 0, "the refresh fails");

        Assert.Equal("blue", config["color"]);
        Assert.Contains("invalid response from Vault at secret/data/app", provider.GetHealth().LastError, StringComparison.Ordinal);
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task A_body_cut_short_is_an_invalid_response_that_does_not_echo_it()
    {
        // A peer that promises 400 bytes, sends a few, and closes the connection cleanly.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[8192];
            var request = string.Empty;
            while (!request.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer);
                request += System.Text.Encoding.ASCII.GetString(buffer, 0, read);
            }

            var response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"data\":{\"ttl\":\"SENTINEL-BODY";
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(response));
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            while (await stream.ReadAsync(buffer) > 0)
            {
            }
        });
        var logs = new Testing.LogCapture();
        var builder = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.LoggerFactory = logs.Factory;
            secrets.FromVault(v =>
            {
                v.Address = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}");
                v.UseToken("hvs.SENTINEL-TOKEN").Secret("secret/app");
            });
        });

        var error = Assert.Throws<SecretSourceException>(() => builder.Build());

        Assert.Contains("invalid response from Vault at http://127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("/v1/auth/token/lookup-self: the body was cut short", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
        logs.AssertNoSentinel("SENTINEL");
        await serving;
    }

    [Fact]
    public async Task A_sealed_vault_keeps_the_last_good_values_backs_off_and_recovers()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var config = h.Build(v => v.Secret("secret/app"));
        var provider = config.Providers.OfType<SecretsConfigurationProvider>().Single();
        h.Vault.Sealed = true;
        h.Vault.PutKv2("app", """{"color":"green"}""");
        var before = h.Vault.Count("secret/data/app");

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(10));

        Assert.Equal("blue", config["color"]);
        Assert.Contains("503", provider.GetHealth().LastError, StringComparison.Ordinal);
        var attempts = h.Vault.Count("secret/data/app") - before;
        Assert.InRange(attempts, 3, 20);

        h.Vault.Sealed = false;
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(10));
        Assert.Equal("green", config["color"]);
        Assert.True(provider.GetHealth().IsHealthy);
    }

    [Fact]
    public async Task A_500_on_one_path_does_not_hold_back_the_others_and_that_path_is_retried_with_backoff()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.LeaseTtl = TimeSpan.FromMinutes(30);
        h.Vault.LeaseMaxTtl = TimeSpan.FromMinutes(35);
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var config = h.Build(v =>
        {
            v.PollInterval = TimeSpan.FromMinutes(5);
            v.Secret("secret/app").Secret("database/creds/payments-ro", section: "Db");
        });
        var before = config["Db:username"];

        // The database behind the creds path is down: Vault answers 500 there, and only there.
        h.Vault.Fail("database/creds/payments-ro", new VaultFault(500, """{"errors":["1 error occurred:\n\t* failed to connect to the database"]}"""), times: 1000);
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(21), TimeSpan.FromSeconds(30));
        Assert.True(h.Vault.Count("database/creds/payments-ro") > 1, "the lease ran out of renewals and the new read failed");
        h.Vault.PutKv2("app", """{"color":"green"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(6), TimeSpan.FromSeconds(30));

        Assert.Equal("green", config["color"]);
        Assert.Equal(before, config["Db:username"]);
        Assert.InRange(h.Vault.Count("database/creds/payments-ro"), 4, 20);
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("500 internal error", StringComparison.Ordinal));

        h.Vault.ClearFaults();
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));
        Assert.NotEqual(before, config["Db:username"]);
        Assert.NotNull(config["Db:username"]);
    }

    [Fact]
    public async Task A_429_is_not_retried_before_its_retry_after()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var config = h.Build(v => v.Secret("secret/app"));
        h.Vault.Fail("secret/data/app", new VaultFault(429, """{"errors":["request path \"secret/data/app\": rate limit quota exceeded"]}""", RetryAfterSeconds: 120));
        h.Vault.PutKv2("app", """{"color":"green"}""");

        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Testing.Eventually.HoldsAsync(() => h.Vault.Count("secret/data/app") == 2, "the poll meets the 429");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(110), TimeSpan.FromSeconds(10));
        Assert.Equal(2, h.Vault.Count("secret/data/app"));
        Assert.Equal("blue", config["color"]);

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(10));
        Assert.Equal(3, h.Vault.Count("secret/data/app"));
        Assert.Equal("green", config["color"]);
    }

    [Fact]
    public async Task An_optional_source_starts_empty_while_vault_is_sealed_and_fills_when_it_unseals()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        h.Vault.Sealed = true;
        var config = h.Build(v =>
        {
            v.Optional = true;
            v.Secret("secret/app");
        });
        Assert.Null(config["color"]);

        h.Vault.Sealed = false;
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));

        Assert.Equal("blue", config["color"]);
    }

    [Fact]
    public async Task No_value_token_jwt_or_secret_id_reaches_logs_or_errors()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.AppRoleSecretId = "SENTINEL-SECRET-ID";
        h.Vault.PutKv2("app", """{"password":"SENTINEL-VALUE-1"}""");
        h.Vault.LeaseTtl = TimeSpan.FromMinutes(3);
        h.Vault.LeaseMaxTtl = TimeSpan.FromMinutes(4);
        var config = h.Build(v =>
        {
            v.UseAppRole(h.Vault.AppRoleId, "SENTINEL-SECRET-ID");
            v.Secret("secret/app").Secret("database/creds/app", section: "Db");
        });
        h.Vault.PutKv2("app", """{"password":"SENTINEL-VALUE-2"}""");
        h.Vault.Fail("secret/data/app", new VaultFault(403, """{"errors":["SENTINEL-VALUE-1 permission denied"]}"""));
        h.Vault.Fail("secret/data/app", new VaultFault(500, """{"errors":["SENTINEL-VALUE-1 internal"]}"""));
        h.Vault.Fail("secret/data/app", new VaultFault(200, "SENTINEL-VALUE-1 garbage"));

        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(8), TimeSpan.FromSeconds(30));
        Assert.Equal("SENTINEL-VALUE-2", config["password"]);
        var health = config.Providers.OfType<SecretsConfigurationProvider>().Single().GetHealth();

        h.Logs.AssertNoSentinel("SENTINEL");
        h.Logs.AssertNoSentinel("hvs.issued-");
        h.Logs.AssertNoSentinel("pw-");
        Assert.DoesNotContain("SENTINEL", health.LastError ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains(h.Logs.Records, r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }
}
