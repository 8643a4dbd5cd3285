using K8sSecrets.Configuration.Testing;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Vault.Tests;

/// <summary>The Vault defects of the adversarial review (issue 15), and what held up there.</summary>
public sealed class HardeningTests
{
    [Fact]
    public async Task A_backward_wall_clock_step_skips_no_lease_or_token_renewal()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.TokenTtl = TimeSpan.FromHours(1);
        h.Vault.LeaseTtl = TimeSpan.FromMinutes(30);
        var config = h.Build(v => v.Secret("database/creds/payments-ro"));
        Assert.NotNull(config["username"]);

        // NTP steps the wall clock two hours back; monotonic time goes on.
        h.Clock.WallClockStep = -TimeSpan.FromHours(2);
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(41), TimeSpan.FromMinutes(1));

        Assert.Equal(2, h.Vault.Count("sys/leases/renew"));
        Assert.Equal(1, h.Vault.Count("auth/token/renew-self"));
    }

    [Fact]
    public async Task A_field_with_an_empty_name_is_skipped_with_a_warning_and_the_others_publish()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"": "top", "color": "blue", "pool": {"": "nested", "max": 10}}""");

        var config = h.Build(v => v.Secret("secret/app", section: "App"));

        Assert.Equal("blue", config["App:color"]);
        Assert.Equal("10", config["App:pool:max"]);
        Assert.DoesNotContain(config.AsEnumerable(), pair => pair.Value is "top" or "nested");
        var warning = Assert.Single(h.Logs.Records, r => r.Id.Name == "VaultEmptyFieldName");
        Assert.Contains("secret/app", warning.Message, StringComparison.Ordinal);
        Assert.Contains("'App/pool'", warning.Message, StringComparison.Ordinal);

        h.Vault.PutKv2("app", """{"": "top", "color": "green", "pool": {"": "nested", "max": 10}}""");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(1));
        await Testing.Eventually.HoldsAsync(() => config["App:color"] == "green", "later reads still publish");
        Assert.Single(h.Logs.Records, r => r.Id.Name == "VaultEmptyFieldName");
    }

    [Fact]
    public void User_info_in_the_address_is_refused_without_being_echoed()
    {
        var error = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromVault(v =>
        {
            v.Address = new Uri("https://admin:SENTINEL-PASSWORD@vault.example:8200");
            v.UseToken("hvs.x").Secret("secret/app");
        })));

        Assert.Contains("user info", error.Message, StringComparison.Ordinal);
        Assert.Contains("UseToken", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://vault.example:8200", "AllowInsecureHttp")]
    [InlineData("http://10.0.0.7:8200", "AllowInsecureHttp")]
    [InlineData("ftp://vault.example", "scheme 'ftp'")]
    [InlineData("file:///etc/vault", "scheme 'file'")]
    public void Plain_http_to_another_host_and_other_schemes_are_refused(string address, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => new ConfigurationBuilder().AddKubernetesSecrets(s => s.FromVault(v =>
        {
            v.Address = new Uri(address);
            v.UseToken("hvs.x").Secret("secret/app");
        })));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.Equal("Address", error.ParamName);
    }

    [Fact]
    public async Task Plain_http_to_another_host_works_when_explicitly_allowed()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.PutKv2("app", """{"color":"blue"}""");
        var handler = new ToLoopback(h.Vault.Address);

        var config = h.Build(v =>
        {
            v.Address = new Uri("http://vault.dev.example:8200");
            v.AllowInsecureHttp = true;
            v.HttpMessageHandlerFactory = () => handler;
            v.Secret("secret/app");
        });

        Assert.Equal("blue", config["color"]);
        Assert.Equal("vault.dev.example", handler.Host);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_the_token_never_reaches_another_host()
    {
        await using var h = await VaultHarness.StartAsync();
        await using var elsewhere = await FakeVault.StartAsync(h.Clock.Fake);
        var token = h.Vault.CreateToken("hvs.SENTINEL-TOKEN", TimeSpan.FromHours(1), TimeSpan.FromHours(2));
        h.Vault.Fail("secret/data/app", new VaultFault(307, string.Empty, Location: new Uri(elsewhere.Address, "v1/secret/data/app").ToString()));

        var error = Assert.Throws<SecretSourceException>(() => h.Build(v => v.UseToken(token).Secret("secret/app")));

        Assert.Contains("307", error.Message, StringComparison.Ordinal);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task A_response_over_32_MiB_is_refused_without_echoing_it()
    {
        await using var h = await VaultHarness.StartAsync();
        h.Vault.Fail("secret/data/app", new VaultFault(200, "{\"data\":\"SENTINEL" + new string('x', 33 * 1024 * 1024) + "\"}"));

        var error = Assert.Throws<SecretSourceException>(() => h.Build(v => v.Secret("secret/app")));

        Assert.Contains("larger than 32 MiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("secret/data/app", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Sends every request to the fake Vault on loopback, keeping the host the source asked for.</summary>
    private sealed class ToLoopback(Uri target) : DelegatingHandler(new SocketsHttpHandler())
    {
        public string? Host { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Host = request.RequestUri!.Host;
            request.RequestUri = new UriBuilder(request.RequestUri) { Host = target.Host, Port = target.Port }.Uri;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
