namespace K8sSecrets.Configuration.Azure.Tests;

public sealed class SentinelTests
{
    [Fact]
    public async Task No_value_token_or_response_body_reaches_a_log_or_an_exception_through_load_rotation_and_failures()
    {
        await using var h = await KeyVaultHarness.StartAsync();
        h.Vault.Put("Db--Password", "SENTINEL-VALUE-1");
        h.Vault.Put("Json", """{"password":"SENTINEL-VALUE-2"}""", contentType: "application/json");
        h.Vault.Put("Denied", "SENTINEL-VALUE-3");
        var config = h.Build(kv =>
        {
            kv.PollInterval = TimeSpan.FromMinutes(1);
            kv.FlattenJson("Json");
            kv.Optional = true;
        });
        var provider = config.Providers.OfType<SecretsConfigurationProvider>().Single();
        Assert.Equal("SENTINEL-VALUE-1", config["Db:Password"]);
        Assert.Equal("SENTINEL-VALUE-2", config["Json:password"]);
        await h.Clock.AdvanceAsync(TimeSpan.FromSeconds(1));

        // Rotation, a denied secret (403 body quoting SENTINEL-BODY), a server error, a throttle, broken JSON.
        h.Vault.Put("Db--Password", "SENTINEL-VALUE-4");
        h.Vault.Put("Denied", "SENTINEL-VALUE-5");
        h.Vault.DeniedSecrets.Add("Denied");
        h.Vault.Put("Json", """{"password": SENTINEL-VALUE-6""", contentType: "application/json");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(20));
        h.Vault.Fail("list", new KeyVaultFault(429, """{"error":{"code":"Throttled","message":"SENTINEL-BODY"}}""", RetryAfterSeconds: 10));
        h.Vault.Fail("list", new KeyVaultFault(500, """{"error":{"code":"SENTINEL-BODY","message":"SENTINEL-BODY"}}"""), times: 2);
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(4), TimeSpan.FromSeconds(20));

        Assert.Equal("SENTINEL-VALUE-4", config["Db:Password"]);
        Assert.Equal("SENTINEL-VALUE-3", config["Denied"]);
        Assert.Equal("SENTINEL-VALUE-2", config["Json:password"]);
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("denied reading secret 'Denied'", StringComparison.Ordinal));
        Assert.Contains(h.Logs.Records, r => r.Message.Contains("throttling", StringComparison.Ordinal));
        Assert.DoesNotContain("SENTINEL", provider.GetHealth().LastError ?? string.Empty, StringComparison.Ordinal);
        h.Logs.AssertNoSentinel("SENTINEL");
    }
}
