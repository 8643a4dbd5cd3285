using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class ExpiryAndSentinelTests
{
    [Fact]
    public async Task The_source_reports_the_earliest_expireTime_of_named_and_labelled_secrets()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        h.Store.AddVersion("api", "a");
        h.Store.AddVersion("tls", "t");
        h.Store.SetLabel("tls", "app", "payments");
        var soon = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        h.Store.SetExpireTime("db", soon.AddDays(10));
        h.Store.SetExpireTime("tls", soon);
        GoogleSecretManagerSource? source = null;
        var config = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.TimeProvider = h.Clock;
            var options = new GoogleSecretManagerOptions { ProjectId = FakeSecretManager.Project, Credential = h.WorkloadIdentity(), Endpoint = h.Store.Address, ReadExpireTime = true };
            options.Secret("db").Secret("api").SecretsWithLabel("app", "payments");
            options.CheckSettings();
            secrets.AddSource(context => source = GoogleSecretManagerKubernetesSecretsBuilderExtensions.Create(options, context));
        }).Build();
        using var disposable = (IDisposable)config;

        Assert.Equal(soon, source!.EarliestExpiry);
    }

    [Fact]
    public async Task No_value_token_or_error_text_reaches_a_log_or_an_exception_on_any_path()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", """{"password":"SENTINEL-VALUE-1"}""");
        h.Store.AddVersion("api", "SENTINEL-VALUE-2");
        h.Store.AddVersion("labelled", "SENTINEL-VALUE-3");
        h.Store.SetLabel("labelled", "app", "payments");
        var config = h.Build(gcp =>
        {
            gcp.PollInterval = TimeSpan.FromMinutes(1);
            gcp.Secret("db", section: "Db").Secret("api").SecretsWithLabel("app", "payments");
        });
        var provider = GoogleHarness.Provider(config);
        Assert.Equal("SENTINEL-VALUE-1", config["Db:password"]);

        // Rotate everything, then walk through every failure: CRC, denial, bad bodies, quota, 401, not JSON.
        h.Store.AddVersion("db", "SENTINEL-NOT-JSON");
        h.Store.AddVersion("api", "SENTINEL-VALUE-4");
        h.Store.CorruptCrc.Add("api");
        h.Store.AccessDenied.Add("labelled");
        h.Store.AddVersion("labelled", "SENTINEL-VALUE-5");
        h.Store.Fail("list", new GsmFault(200, RawBody: "{\"secrets\":[{\"name\":\"SENTINEL-BODY/..\"}]}"), new GsmFault(429, "RESOURCE_EXHAUSTED", RetryAfterSeconds: 1));
        h.Metadata.RevokeAll();
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(1));
        await provider.RefreshAsync(CancellationToken.None);

        Assert.Equal("SENTINEL-VALUE-1", config["Db:password"]);
        Assert.Equal("SENTINEL-VALUE-2", config["api"]);
        Assert.Equal("SENTINEL-VALUE-3", config["labelled"]);
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("not a JSON object", StringComparison.Ordinal));
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("CRC32C", StringComparison.Ordinal));
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("PERMISSION_DENIED", StringComparison.Ordinal));
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("429 RESOURCE_EXHAUSTED", StringComparison.Ordinal));
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("a secret without a valid name", StringComparison.Ordinal));
        h.Logs.AssertNoSentinel("SENTINEL");
        Assert.DoesNotContain("SENTINEL", provider.GetHealth().LastError ?? string.Empty, StringComparison.Ordinal);
    }
}
