using K8sSecrets.Configuration.Google.Http;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class ErrorTests
{
    public static TheoryData<string, string> BadBodies => new()
    {
        { """<html><body>proxy login SENTINEL-BODY</body></html>""", "not the JSON" },
        { """{"name":"projects/1/secrets/db/versions/1","payload":{"data":"U0VOVElORUwtQk9EWQ==""", "not the JSON" },
        { """{"name":"projects/1/secrets/db/versions/1","payload":{"data":12345}}""", "not the JSON" },
        { """{"name":"projects/1/secrets/db/versions/1","payload":{"data":"!!SENTINEL-BODY!!"}}""", "not base64" },
        { """{"name":"projects/1/secrets/db/versions/1"}""", "no payload" },
        { """{"name":"SENTINEL-BODY","payload":{"data":"eA=="}}""", "no version number" },
        { "[\"SENTINEL-BODY\"]", "not the JSON" },
        { new string('x', SecretManagerHttpApi.MaxResponseBytes + 10), "larger than 4 MiB" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_access_body_at_start_fails_with_a_message_naming_the_secret_and_no_body(string body, string why)
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "SENTINEL-VALUE");
        h.Store.Fail("access", new GsmFault(200, RawBody: body));

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp => gcp.Secret("db")));

        Assert.Contains("invalid response from Google Secret Manager ", error.Message, StringComparison.Ordinal);
        Assert.Contains(" projects/payments-prod/secrets/db/versions/latest:access: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task A_bad_body_later_keeps_that_secrets_value_while_others_update()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        h.Store.AddVersion("api", "a1");
        var config = h.Build(gcp => gcp.Secret("db").Secret("api"));

        h.Store.AddVersion("db", "two");
        h.Store.AddVersion("api", "a2");
        h.Store.Fail("access", new GsmFault(200, RawBody: "<html>SENTINEL-BODY</html>"));
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => h.Logs.Records.Any(r => r.Id.Name == "KeyFailed"), "the bad read is logged");
        await h.Clock.WaitUntilIdleAsync();

        // The fault hit one of the two metadata reads: that secret keeps its value, the other updates.
        Assert.Single(new[] { config["db"], config["api"] }, v => v is "one" or "a1");
        Assert.Single(new[] { config["db"], config["api"] }, v => v is "two" or "a2");
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Fact]
    public async Task Not_found_at_start_names_the_secret_and_the_project()
    {
        await using var h = await GoogleHarness.StartAsync();

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp => gcp.Secret("missing", version: "3")));

        Assert.EndsWith(
            ": Google secret 'missing' (version 3) was not found in project payments-prod (404 NOT_FOUND). Check the name, the project and the endpoint's location.",
            error.Message,
            StringComparison.Ordinal);
        Assert.False(error.IsTransient);
    }

    [Fact]
    public async Task Permission_denied_names_the_secret_the_credential_and_the_role_and_keeps_the_value_later()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "SENTINEL-VALUE");
        h.Store.AccessDenied.Add("db");

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp => gcp.Secret("db")));
        Assert.Contains("denied reading secret 'db' in project payments-prod (403 PERMISSION_DENIED)", error.Message, StringComparison.Ordinal);
        Assert.Contains("metadata server", error.Message, StringComparison.Ordinal);
        Assert.Contains("roles/secretmanager.secretAccessor", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);

        h.Store.AccessDenied.Clear();
        var config = h.Build(gcp => gcp.Secret("db"));
        h.Store.AddVersion("db", "SENTINEL-TWO");
        h.Store.AccessDenied.Add("db");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => h.Logs.Records.Any(r => r.Id.Name == "KeyFailed"), "the denial is logged");
        Assert.Equal("SENTINEL-VALUE", config["db"]);
        h.Logs.AssertNoSentinel("SENTINEL");
    }

    [Theory]
    [InlineData(429, "RESOURCE_EXHAUSTED")]
    [InlineData(503, "UNAVAILABLE")]
    public async Task Quota_and_outage_errors_fail_the_read_with_Retry_After_and_keep_every_value(int status, string rpcStatus)
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        GoogleSecretManagerSource? source = null;
        var config = new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            secrets.TimeProvider = h.Clock;
            secrets.LoggerFactory = h.Logs.Factory;
            var options = new GoogleSecretManagerOptions { ProjectId = FakeSecretManager.Project, Credential = h.WorkloadIdentity(), Endpoint = h.Store.Address };
            options.Secret("db");
            options.CheckSettings();
            secrets.AddSource(context => source = GoogleSecretManagerKubernetesSecretsBuilderExtensions.Create(options, context));
        }).Build();
        using var disposable = (IDisposable)config;

        h.Store.Fail("access", new GsmFault(status, rpcStatus, RetryAfterSeconds: 42));
        var error = await Assert.ThrowsAsync<SecretSourceException>(async () => await source!.LoadAsync(readAll: true, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(42), error.RetryAfter);
        Assert.True(error.IsTransient);
        Assert.Contains($"{status} {rpcStatus}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("one", config["db"]);
    }

    [Fact]
    public async Task An_unreachable_store_at_start_says_so_and_an_optional_source_starts_empty_then_loads()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "one");
        h.Store.Fail("*", new GsmFault(503, "UNAVAILABLE"));

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp => gcp.Secret("db")));
        Assert.Contains("503 UNAVAILABLE", error.Message, StringComparison.Ordinal);

        h.Store.Fail("*", new GsmFault(503, "UNAVAILABLE"));
        var config = h.Build(gcp =>
        {
            gcp.Optional = true;
            gcp.Secret("db");
        });
        Assert.Null(config["db"]);
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(2));
        await Testing.Eventually.HoldsAsync(() => config["db"] == "one", "the optional source loads once the store answers");
    }
}
