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

    private static string Access(string name, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var crc = Crc32C.Compute(bytes).ToString(CultureInfo.InvariantCulture);
        return $$$"""{"name":"{{{name}}}","payload":{"data":"{{{Convert.ToBase64String(bytes)}}}","dataCrc32c":"{{{crc}}}"}}""";
    }
}
