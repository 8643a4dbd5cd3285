using System.Globalization;
using System.Text;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>Issue 18 follow-up: attacks through the public API on the Google fixes (items 5 to 8).</summary>
public sealed class AttackTests
{
    [Theory]
    [InlineData("projects/123456789012/secrets/other/versions/7")]
    [InlineData("projects/123456789012/secrets/db-admin/versions/7")]
    [InlineData("projects/123456789012/locations/us-east1/secrets/db/versions/7")]
    [InlineData("projects/123456789012/secrets/db/versions/7/../../other/versions/7")]
    public async Task A_payload_answered_under_another_secrets_name_is_never_published(string name)
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "right-1");
        var config = h.Build(gcp => gcp.Secret("db"));
        Assert.Equal("right-1", config["db"]);

        h.Store.AddVersion("db", "right-2");
        h.Store.Fail("access", new GsmFault(200, RawBody: Access(name, "WRONG-other")));
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => h.Store.Count("access") >= 2, "the poll accesses the new version");
        await h.Clock.WaitUntilIdleAsync();

        Assert.NotEqual("WRONG-other", config["db"]);
    }

    [Fact]
    public async Task A_regional_read_answered_with_a_global_secrets_name_is_never_published()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.Location = "europe-west1";
        h.Store.AddVersion("db", "regional-1", location: "europe-west1");
        var config = h.Build(gcp =>
        {
            gcp.Location = "europe-west1";
            gcp.Secret("db");
        });
        Assert.Equal("regional-1", config["db"]);

        h.Store.AddVersion("db", "regional-2", location: "europe-west1");
        h.Store.Fail("access", new GsmFault(200, RawBody: Access("projects/123456789012/secrets/db/versions/9", "WRONG-global")));
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => h.Store.Count("access") >= 2, "the poll accesses the new version");
        await h.Clock.WaitUntilIdleAsync();

        Assert.NotEqual("WRONG-global", config["db"]);
    }

    [Theory]
    [InlineData("https://SecretManager.Europe-West1.REP.googleapis.com/", "europe-west1")]
    [InlineData("https://secretmanager.europe-west1.rep.googleapis.com:443/", "europe-west1")]
    [InlineData("https://secretmanager.europe-west1.rep.googleapis.com.evil.example/", null)]
    [InlineData("https://secretmanager.europe-west1.rep.googleapis.com@evil.example/", "refused")]
    public async Task The_location_comes_only_from_a_regional_endpoints_own_host(string endpoint, string? location)
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.Location = location is "refused" ? null : location;
        h.Store.AddVersion("db", "global-value");
        h.Store.AddVersion("db", "regional-value", location: "europe-west1");
        var redirect = new HostRedirect(h.Store.Address);

        if (location is "refused")
        {
            var error = Assert.ThrowsAny<Exception>(() => h.Build(gcp =>
            {
                gcp.Endpoint = new Uri(endpoint);
                gcp.HttpMessageHandlerFactory = () => redirect;
                gcp.Secret("db");
            }));
            Assert.Contains("user info", error.Message, StringComparison.Ordinal);
            Assert.Empty(redirect.Asked);
            return;
        }

        var config = h.Build(gcp =>
        {
            gcp.Endpoint = new Uri(endpoint);
            gcp.HttpMessageHandlerFactory = () => redirect;
            gcp.Secret("db");
        });

        Assert.Equal(location is null ? "global-value" : "regional-value", config["db"]);
        Assert.All(h.Store.Requests, r => Assert.Equal(location is not null, r.Path.Contains("/locations/europe-west1/", StringComparison.Ordinal)));
    }

    private static string Access(string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var crc = Crc32C.Compute(bytes).ToString(CultureInfo.InvariantCulture);
        return $$$"""{"name":"{{{name}}}","payload":{"data":"{{{Convert.ToBase64String(bytes)}}}","dataCrc32c":"{{{crc}}}"}}""";
    }
}
