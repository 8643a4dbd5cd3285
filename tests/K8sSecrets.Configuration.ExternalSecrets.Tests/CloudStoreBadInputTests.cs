using K8sSecrets.Configuration.Aws.Tests;
using Microsoft.Extensions.Configuration;
using K8sSecrets.Configuration.Google.Tests;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>Cloud store blocks that cannot be read in-process fail when declared, naming the field and what is supported; values never leak.</summary>
public sealed class CloudStoreBadInputTests
{
    private const string Sentinel = "SENTINEL-CLOUD-9c1e";

    public static TheoryData<string, string, string, string> Unsupported => new()
    {
        { "aws", "service: SecretsManager\n      region: eu-west-1\n      auth:\n        jwt:\n          serviceAccountRef:\n            name: other", "spec.provider.aws.auth.jwt", "IRSA or EKS Pod Identity" },
        { "aws", "service: SecretsManager\n      region: eu-west-1\n      auth:\n        secretRef:\n          accessKeyIDSecretRef:\n            name: keys", "spec.provider.aws.auth.secretRef", "IRSA or EKS Pod Identity" },
        { "aws", "service: ParameterStore\n      region: eu-west-1", "spec.provider.aws.service", "supported: SecretsManager" },
        { "aws", "service: SecretsManager\n      region: eu-west-1\n      role: arn:aws:iam::1:role/x", "spec.provider.aws.role", "assuming another role is not supported" },
        { "aws", "service: SecretsManager", "spec.provider.aws.region", "required" },
        { "azurekv", "vaultUrl: https://kv.vault.azure.net/", "spec.provider.azurekv.authType", "ServicePrincipal (the default)" },
        { "azurekv", "vaultUrl: https://kv.vault.azure.net/\n      authType: ServicePrincipal\n      authSecretRef:\n        clientId:\n          name: sp", "spec.provider.azurekv.authSecretRef", "supported: WorkloadIdentity" },
        { "azurekv", "vaultUrl: http://kv.vault.azure.net/\n      authType: ManagedIdentity", "spec.provider.azurekv.vaultUrl", "https" },
        { "gcpsm", "projectID: p\n      auth:\n        secretRef:\n          secretAccessKeySecretRef:\n            name: key", "spec.provider.gcpsm.auth.secretRef", "GKE Workload Identity or Application Default Credentials" },
        { "gcpsm", "projectID: p\n      auth:\n        workloadIdentityFederation:\n          audience: x", "spec.provider.gcpsm.auth.workloadIdentityFederation", "GKE Workload Identity" },
        { "gcpsm", "projectID: p\n      location: Europe/West1", "spec.provider.gcpsm.location", "is not a Secret Manager location" },
        { "gcpsm", "projectID: p\n      secretVersionSelectionPolicy: LatestOrFetch", "spec.provider.gcpsm.secretVersionSelectionPolicy", "supported: LatestOrFail" },
    };

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void An_unsupported_store_setting_fails_when_declared_naming_the_field_and_what_is_supported(string provider, string block, string field, string supported)
    {
        using var m = new Manifest();
        var path = m.Write(Manifest(provider, block, "db", version: null));
        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.UseAws().UseAzureKeyVault().UseGoogleSecretManager()));
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
        Assert.Contains(supported, ex.Message, StringComparison.Ordinal);
        Assert.Contains("external-secret.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azurekv", "vaultUrl: https://kv.vault.azure.net/\n      authType: ManagedIdentity", "cert/tls", null, "certificates and keys are not supported")]
    [InlineData("azurekv", "vaultUrl: https://kv.vault.azure.net/\n      authType: ManagedIdentity", "db", "0123abcd", "versions are not supported for Azure Key Vault")]
    [InlineData("gcpsm", "projectID: p", "projects/p/secrets/db", null, "is not a Secret Manager secret id")]
    [InlineData("gcpsm", "projectID: p", "db", "1.5", "is not a version")]
    [InlineData("aws", "service: SecretsManager\n      region: eu-west-1", "db", "uuid/short", "is not a Secrets Manager version id")]
    [InlineData("aws", "service: SecretsManager\n      region: eu-west-1", "arn:aws:secretsmanager:eu-west-1:123456789012:db", null, "is not a Secrets Manager secret ARN")]
    public void A_reference_the_store_cannot_read_fails_naming_the_reference(string provider, string block, string key, string? version, string problem)
    {
        using var m = new Manifest();
        var path = m.Write(Manifest(provider, block, key, version));
        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.UseAws().UseAzureKeyVault().UseGoogleSecretManager()));
        Assert.Contains("spec.data[0].remoteRef", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_value_never_reaches_a_log_or_an_exception_on_AWS()
    {
        await using var h = await AwsHarness.StartAsync();
        using var m = new Manifest();
        h.Fake.Put("app", $$"""{"password":"{{Sentinel}}","blob":"{{Sentinel}}!"}""");
        h.Fake.Put("plain", Sentinel + " not json");
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: app
            spec:
              refreshInterval: 1m
              secretStoreRef:
                name: aws
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
              - secretKey: field
                remoteRef:
                  key: plain
                  property: field
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
            """);
        void Aws(ExternalSecretOptions es) => es.UseAws(aws =>
        {
            aws.ServiceUrl = h.Fake.Address;
            aws.Credentials = AwsHarness.TestCredentials;
        });

        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, Aws, s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        }));
        Assert.DoesNotContain(Sentinel, ex.ToString(), StringComparison.Ordinal);

        var config = m.Build(path, es =>
        {
            Aws(es);
            es.Optional = true;
        }, s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        });
        Assert.Equal(Sentinel, config["password"]);
        Assert.Null(config["blob"]);
        Assert.Null(config["field"]);

        h.Fake.Put("app", $$"""{"blob":"{{Sentinel}}?"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(30));
        Assert.Equal(Sentinel, config["password"]);
        Assert.Contains("password", h.Logs.AllText(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel(Sentinel);
        Assert.DoesNotContain(FakeSecretsManager.SecretKey, h.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Google_failures_name_the_secret_not_the_value()
    {
        await using var h = await GoogleHarness.StartAsync();
        using var m = new Manifest();
        h.Store.AddVersion("app", Sentinel);
        var path = m.Write(Manifest("gcpsm", $"projectID: {FakeSecretManager.Project}", "app", version: null, property: "field"));
        var ex = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.UseGoogleSecretManager(g =>
        {
            g.Credential = h.WorkloadIdentity();
            g.Endpoint = h.Store.Address;
        }), s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        }));
        Assert.Contains("spec.data[0]", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, ex.ToString(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel(Sentinel);
    }

    private static string Manifest(string provider, string block, string key, string? version, string? property = null) => $"""
        apiVersion: external-secrets.io/v1
        kind: ExternalSecret
        metadata:
          name: app
        spec:
          secretStoreRef:
            name: store
          data:
          - secretKey: value
            remoteRef:
              key: {key}
        {(version is null ? string.Empty : $"      version: \"{version}\"")}
        {(property is null ? string.Empty : $"      property: {property}")}
        ---
        apiVersion: external-secrets.io/v1
        kind: SecretStore
        metadata:
          name: store
        spec:
          provider:
            {provider}:
              {block}
        """;
}
