using System.Security.Cryptography;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class AuthTests
{
    [Fact]
    public async Task A_rejected_token_leads_to_one_fresh_token_and_one_retry()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        var config = h.Build(gcp => gcp.Secret("db"));
        Assert.Equal(1, h.Metadata.TokenRequests);

        h.Metadata.RevokeAll();
        h.Store.AddVersion("db", "two");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["db"] == "two", "the read succeeds with a fresh token");

        Assert.Equal(2, h.Metadata.TokenRequests);
        Assert.Contains(h.Store.Requests, r => r.Token == "ya29.SENTINEL-TOKEN-2");
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task A_token_that_stays_rejected_fails_the_read_without_showing_it()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        h.Store.Fail("access", new GsmFault(401, "UNAUTHENTICATED"), new GsmFault(401, "UNAUTHENTICATED"));

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp => gcp.Secret("db")));

        Assert.Contains("refused the access token (401 UNAUTHENTICATED)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, h.Metadata.TokenRequests);
    }

    [Fact]
    public async Task The_metadata_server_being_down_is_a_clear_transient_error()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        var dead = new ComputeCredential(new ComputeCredential.Initializer("http://127.0.0.1:1/computeMetadata/v1/instance/service-accounts/default/token"));

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp =>
        {
            gcp.Credential = dead;
            gcp.Secret("db");
        }));

        Assert.Contains("Could not get an access token from the metadata server's credential", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task A_service_account_key_gets_its_token_from_the_token_uri_through_Google_Apis_Auth()
    {
        await using var h = await GoogleHarness.StartAsync();
        using var rsa = RSA.Create(2048);
        await using var tokenServer = await FakeOAuthTokenServer.StartAsync(rsa);
        await using var store = await FakeSecretManager.StartAsync(tokenServer.IsValid);
        store.AddVersion("db", "one");
        var json = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = FakeSecretManager.Project,
            ["private_key_id"] = "key-1",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "payments@payments-prod.iam.gserviceaccount.com",
            ["client_id"] = "1",
            ["token_uri"] = tokenServer.TokenUri,
        });
        var credential = CredentialFactory.FromJson<ServiceAccountCredential>(json).ToGoogleCredential();

        var config = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.TimeProvider = h.Clock;
            secrets.FromGoogleSecretManager(gcp =>
            {
                gcp.Credential = credential;
                gcp.Endpoint = store.Address;
                gcp.Secret("db");
            });
        }).Build();
        using var disposable = (IDisposable)config;

        Assert.Equal("one", config["db"]);
        Assert.Equal(1, tokenServer.Grants);
        Assert.Equal("https://www.googleapis.com/auth/cloud-platform", tokenServer.LastScope);
        Assert.All(store.Requests, r => Assert.StartsWith("/v1/projects/payments-prod/", r.Path, StringComparison.Ordinal));
    }
}
