using K8sSecrets.Configuration.Vault.Tests;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>No stored value reaches a log or an exception, whatever the rules refuse.</summary>
public sealed class SentinelTests
{
    private const string Sentinel = "SENTINEL-VALUE-7f3a";

    [Fact]
    public async Task A_value_the_rules_refuse_is_never_logged_or_thrown()
    {
        await using var h = await VaultHarness.StartAsync();
        using var m = new Manifest();
        h.Vault.PutKv2("app", $$$"""{"password":"{{{Sentinel}}}","blob":"{{{Sentinel}}}!","nested":{"x":"{{{Sentinel}}}"}}""");
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: app
            spec:
              refreshInterval: 1m
              secretStoreRef:
                name: store
              data:
              - secretKey: password
                remoteRef:
                  key: app
                  property: password
              - secretKey: blob
                remoteRef:
                  key: app
                  property: blob
                  decodingStrategy: Base64
            ---
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: store
            spec:
              provider:
                vault:
                  server: "{h.Vault.Address}"
                  path: secret
                  auth:
                    kubernetes:
                      role: payments
            """);

        // At start-up the refused value fails Build; the message names the key and the strategy only.
        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.ServiceAccountTokenPath = h.JwtPath, s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        }));
        Assert.Contains("blob", ex.Message, StringComparison.Ordinal);
        Assert.Contains("decodingStrategy Base64", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, ex.ToString(), StringComparison.Ordinal);

        // Optional: it starts, publishes what it can, and later refusals (a property that vanished) keep the last value.
        var config = m.Build(path, es =>
        {
            es.Optional = true;
            es.ServiceAccountTokenPath = h.JwtPath;
        }, s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        });
        Assert.Equal(Sentinel, config["password"]);
        Assert.Null(config["blob"]);

        h.Vault.PutKv2("app", $$$"""{"blob":"{{{Sentinel}}}?","nested":{"x":"{{{Sentinel}}}"}}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));

        Assert.Equal(Sentinel, config["password"]);
        Assert.Contains("has no property 'password'", h.Logs.AllText(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel(Sentinel);
    }
}
