using K8sSecrets.Configuration.Google.Tests;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>ExternalSecret manifests with a <c>gcpsm</c> store, read from the Google tests' FakeSecretManager with Google.Apis.Auth tokens.</summary>
public sealed class GoogleStoreTests
{
    [Fact]
    public async Task A_workload_identity_store_gives_the_controllers_keys_and_follows_a_new_version()
    {
        await using var h = await GoogleHarness.StartAsync();
        using var m = new Manifest();
        h.Store.AddVersion("payments-db", """{"password":"one","db.host":"literal","db":{"host":"path"}}""");
        h.Store.AddVersion("payments-db", """{"password":"two","db.host":"literal","db":{"host":"path"}}""");
        h.Store.AddVersion("payments-cert", "-----BEGIN X-----\n");
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: payments
            spec:
              refreshInterval: 1m
              secretStoreRef:
                name: gcp
              data:
              - secretKey: Password
                remoteRef:
                  key: payments-db
                  property: password
              - secretKey: FirstPassword
                remoteRef:
                  key: payments-db
                  property: password
                  version: "1"
              - secretKey: Host
                remoteRef:
                  key: payments-db
                  property: db.host
              - secretKey: Cert
                remoteRef:
                  key: payments-cert
            ---
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: gcp
            spec:
              provider:
                gcpsm:
                  projectID: {FakeSecretManager.Project}
                  auth:
                    workloadIdentity:
                      clusterLocation: europe-west1
                      clusterName: prod
                      serviceAccountRef:
                        name: payments
            """);

        var config = m.Build(path, es => es.UseGoogleSecretManager(g =>
        {
            g.Credential = h.WorkloadIdentity();  // in a pod: Application Default Credentials (the GKE metadata server)
            g.Endpoint = h.Store.Address;
        }), s =>
        {
            s.TimeProvider = h.Clock;
            s.LoggerFactory = h.Logs.Factory;
        });

        Assert.Equal("two", config["Password"]);
        Assert.Equal("one", config["FirstPassword"]);
        Assert.Equal("literal", config["Host"]);               // Google: a dotted property is a literal field first
        Assert.Equal("-----BEGIN X-----\n", config["Cert"]);   // the payload as stored, its newline kept as the controller keeps it
        Assert.All(h.Store.Requests, r => Assert.NotNull(r.Token));

        h.Store.AddVersion("payments-db", """{"password":"three"}""");
        await h.Clock.AdvanceInStepsAsync(TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(20));

        Assert.Equal("three", config["Password"]);
        Assert.Equal("one", config["FirstPassword"]);
        Assert.Equal("literal", config["Host"]); // the property vanished: that key keeps its last value, and says why
        Assert.Contains("db.host", h.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_with_a_location_reads_regional_secrets_at_the_locations_endpoint_as_the_controller_does()
    {
        // ESO (providers/v1/gcp/secretmanager, provider.go newSMClient; client.go regionalSecretVersionsPath):
        // location => endpoint secretmanager.{location}.rep.googleapis.com, names projects/{p}/locations/{location}/secrets/{key}.
        await using var h = await GoogleHarness.StartAsync();
        using var m = new Manifest();
        h.Store.AddVersion("payments-db", "global-value");
        h.Store.AddVersion("payments-db", "regional-value", location: "europe-west1");
        var redirect = new HostRedirect(h.Store.Address);
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: payments
            spec:
              secretStoreRef:
                name: gcp
              data:
              - secretKey: Password
                remoteRef:
                  key: payments-db
            ---
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: gcp
            spec:
              provider:
                gcpsm:
                  projectID: {FakeSecretManager.Project}
                  location: europe-west1
            """);

        var config = m.Build(path, es => es.UseGoogleSecretManager(g =>
        {
            g.Credential = h.WorkloadIdentity();
            g.HttpMessageHandlerFactory = () => redirect;   // the default endpoint stays: the location picks the regional one
        }), s => s.TimeProvider = h.Clock);

        Assert.Equal("regional-value", config["Password"]);
        Assert.NotEmpty(redirect.Asked);
        Assert.All(redirect.Asked, u => Assert.Matches(
            "^https://secretmanager\\.europe-west1\\.rep\\.googleapis\\.com/v1/projects/payments-prod/locations/europe-west1/secrets/payments-db(/|$)",
            u.AbsoluteUri));
    }

    [Fact]
    public async Task A_store_with_location_global_is_refused_naming_the_field_and_the_fix_before_any_request()
    {
        // ESO would send it to secretmanager.global.rep.googleapis.com, which does not exist; global secrets have no location.
        await using var h = await GoogleHarness.StartAsync();
        using var m = new Manifest();
        h.Store.AddVersion("payments-db", "global-value");
        var redirect = new HostRedirect(h.Store.Address);
        var path = m.Write($"""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: payments
            spec:
              secretStoreRef:
                name: gcp
              data:
              - secretKey: Password
                remoteRef:
                  key: payments-db
            ---
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: gcp
            spec:
              provider:
                gcpsm:
                  projectID: {FakeSecretManager.Project}
                  location: global
            """);

        var error = Assert.Throws<SecretSourceException>(() => m.Build(path, es => es.UseGoogleSecretManager(g =>
        {
            g.Credential = h.WorkloadIdentity();
            g.HttpMessageHandlerFactory = () => redirect;
        }), s => s.TimeProvider = h.Clock));

        Assert.Contains("spec.provider.gcpsm.location: 'global' names no region", error.Message, StringComparison.Ordinal);
        Assert.Contains("Leave the location unset for global secrets", error.Message, StringComparison.Ordinal);
        Assert.Empty(redirect.Asked);
        Assert.Empty(h.Store.Requests);
    }
}
