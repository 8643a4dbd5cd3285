using System.Collections.Concurrent;
using K8sSecrets.Configuration.Aws.Tests;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>ExternalSecret manifests with an <c>aws</c> store, read from the AWS tests' FakeSecretsManager (SigV4 checked).</summary>
public sealed class AwsStoreTests
{
    private static string Store(string? prefix = null) => "\n" + $"""
        ---
        apiVersion: external-secrets.io/v1
        kind: SecretStore
        metadata:
          name: aws
        spec:
          provider:
            aws:
              service: SecretsManager
              region: {FakeSecretsManager.Region}
              {(prefix is null ? string.Empty : "prefix: " + prefix)}
        """;

    [Fact]
    public async Task A_manifest_reaches_IOptionsMonitor_in_a_real_host_with_the_controllers_keys_and_a_rotation_follows()
    {
        await using var h = await AwsHarness.StartAsync();
        using var m = new Manifest();
        h.Fake.Put("prod/payments/db", """{"username":"app","password":"one","db.host":"literal","db":{"host":"path"},"pool":{ "max": 1.50 }}""");
        h.Fake.Put("prod/payments/flags", """{"beta":true,"ratio":1.50,"note":null}""");
        var path = m.Write("""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: payments
            spec:
              refreshInterval: 1m
              secretStoreRef:
                name: aws
              data:
              - secretKey: Database__Password
                remoteRef:
                  key: prod/payments/db
                  property: password
              - secretKey: Database__Username
                remoteRef:
                  key: prod/payments/db
                  property: username
              - secretKey: Database__Host
                remoteRef:
                  key: prod/payments/db
                  property: db.host
              - secretKey: Database__Pool
                remoteRef:
                  key: prod/payments/db
                  property: pool
              - secretKey: Raw
                remoteRef:
                  key: prod/payments/flags
              dataFrom:
              - extract:
                  key: prod/payments/flags
            """ + Store());
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddKubernetesSecrets(secrets =>
        {
            secrets.TimeProvider = h.Clock;
            secrets.LoggerFactory = h.Logs.Factory;
            secrets.FromExternalSecret(path, es => es.UseAws(aws =>
            {
                aws.ServiceUrl = h.Fake.Address;                 // in a pod: the regional endpoint
                aws.Credentials = AwsHarness.TestCredentials;     // in a pod: IRSA or Pod Identity through the SDK's chain
            }));
        });
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection("Database"));
        using var host = builder.Build();
        await host.StartAsync();
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        var seen = new ConcurrentQueue<string?>();
        using var subscription = monitor.OnChange(o => seen.Enqueue(o.Password));
        var config = (IConfiguration)builder.Configuration;

        Assert.Equal("app", monitor.CurrentValue.Username);
        Assert.Equal("one", monitor.CurrentValue.Password);
        Assert.Equal("literal", monitor.CurrentValue.Host);          // AWS: a dotted property is a literal field first
        Assert.Equal("""{ "max": 1.50 }""", config["Database:Pool"]); // objects as their raw JSON text
        Assert.Equal("""{"beta":true,"ratio":1.50,"note":null}""", config["Raw"]); // no property: the stored text as is
        Assert.Equal("true", config["beta"]);
        Assert.Equal("1.50", config["ratio"]);                        // extract keeps non-strings as raw JSON text
        Assert.Equal(string.Empty, config["note"]);
        Assert.All(h.Fake.Requests, r => Assert.True(r.SignatureValid));

        h.Fake.Put("prod/payments/db", """{"username":"app","password":"two","db.host":"literal","db":{"host":"path"},"pool":{ "max": 1.50 }}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(20));

        Assert.Equal("two", monitor.CurrentValue.Password);
        Assert.Equal(["two"], seen);
        await host.StopAsync();
    }

    [Fact]
    public async Task Versions_a_prefix_and_deletionPolicy_Delete_follow_the_controller()
    {
        await using var h = await AwsHarness.StartAsync();
        using var m = new Manifest();
        var first = h.Fake.Put("team/api", "k1");
        h.Fake.Put("team/api", "k2");
        h.Fake.Put("team/gone", "bye");
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: api
            spec:
              refreshInterval: 30s
              secretStoreRef:
                name: aws
              target:
                deletionPolicy: Delete
              data:
              - secretKey: current
                remoteRef:
                  key: api
              - secretKey: previous
                remoteRef:
                  key: api
                  version: AWSPREVIOUS
              - secretKey: pinned
                remoteRef:
                  key: api
                  version: uuid/{first}
              - secretKey: gone
                remoteRef:
                  key: gone
            """ + Store("team/"));

        var config = m.Build(path, es => es.UseAws(aws =>
        {
            aws.ServiceUrl = h.Fake.Address;
            aws.Credentials = AwsHarness.TestCredentials;
        }), s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        });

        Assert.Equal("k2", config["current"]);
        Assert.Equal("k1", config["previous"]);
        Assert.Equal("k1", config["pinned"]);
        Assert.Equal("bye", config["gone"]);

        h.Fake.Delete("team/gone");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10));

        Assert.Null(config["gone"]);                      // deletionPolicy Delete drops a secret that no longer exists
        Assert.Equal("k2", config["current"]);
    }

    [Fact]
    public async Task A_legacy_secretsManager_manifest_reads_with_lodash_paths_and_JSON_stringify()
    {
        await using var h = await AwsHarness.StartAsync();
        using var m = new Manifest();
        h.Fake.Put("legacy/db", """{"user":"app","list":[1,{"a":null}]}""");
        var path = m.Write($"""
            apiVersion: kubernetes-client.io/v1
            kind: ExternalSecret
            metadata:
              name: legacy
            spec:
              backendType: secretsManager
              region: {FakeSecretsManager.Region}
              data:
              - key: legacy/db
                name: user
                property: user
              - key: legacy/db
                name: second
                property: list[1]
            """);

        var config = m.Build(path, es => es.UseAws(aws =>
        {
            aws.ServiceUrl = h.Fake.Address;
            aws.Credentials = AwsHarness.TestCredentials;
        }), s => s.TimeProvider = h.Clock);

        Assert.Equal("app", config["user"]);
        Assert.Equal("""{"a":null}""", config["second"]);
    }

    public sealed class DatabaseOptions
    {
        public string? Username { get; set; }

        public string? Password { get; set; }

        public string? Host { get; set; }
    }
}
