using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>
/// <c>global</c> is not a Secret Manager location: global secrets are named without one and served by the
/// global endpoint, and <c>secretmanager.global.rep.googleapis.com</c> does not exist. Given as
/// <see cref="GoogleSecretManagerOptions.Location"/> or as a regional-looking endpoint, it is refused when
/// declared, naming the fix, before any request.
/// </summary>
public sealed class GlobalLocationTests
{
    [Theory]
    [InlineData("global")]
    [InlineData("Global")]
    public async Task Location_global_is_refused_at_FromGoogleSecretManager_naming_the_fix_before_any_request(string location)
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "global-value");
        var redirect = new HostRedirect(h.Store.Address);

        var error = Assert.Throws<ArgumentException>(() => h.Build(gcp =>
        {
            gcp.Endpoint = GoogleSecretManagerOptions.DefaultEndpoint;
            gcp.Location = location;
            gcp.HttpMessageHandlerFactory = () => redirect;
            gcp.Secret("db");
        }));

        Assert.Equal("Location", error.ParamName);
        Assert.Contains($"Location '{location}' names no region", error.Message, StringComparison.Ordinal);
        Assert.Contains("Leave the location unset for global secrets", error.Message, StringComparison.Ordinal);
        Assert.Empty(redirect.Asked);
        Assert.Empty(h.Store.Requests);
    }

    [Fact]
    public async Task A_global_rep_endpoint_is_refused_at_FromGoogleSecretManager_naming_the_fix_before_any_request()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "global-value");
        var redirect = new HostRedirect(h.Store.Address);

        var error = Assert.Throws<ArgumentException>(() => h.Build(gcp =>
        {
            gcp.Endpoint = new Uri("https://secretmanager.global.rep.googleapis.com/");
            gcp.HttpMessageHandlerFactory = () => redirect;
            gcp.Secret("db");
        }));

        Assert.Equal("Endpoint", error.ParamName);
        Assert.Contains("Endpoint https://secretmanager.global.rep.googleapis.com names no region", error.Message, StringComparison.Ordinal);
        Assert.Contains("Leave the location unset for global secrets", error.Message, StringComparison.Ordinal);
        Assert.Empty(redirect.Asked);
        Assert.Empty(h.Store.Requests);
    }

    [Fact]
    public async Task Without_a_location_global_secrets_are_read_at_the_global_endpoint()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "global-value");
        h.Store.AddVersion("db", "regional-value", location: "europe-west1");
        var redirect = new HostRedirect(h.Store.Address);

        var config = h.Build(gcp =>
        {
            gcp.Endpoint = GoogleSecretManagerOptions.DefaultEndpoint;
            gcp.HttpMessageHandlerFactory = () => redirect;
            gcp.Secret("db");
        });

        Assert.Equal("global-value", config["db"]);
        Assert.NotEmpty(redirect.Asked);
        Assert.All(redirect.Asked, u => Assert.Equal("secretmanager.googleapis.com", u.Host));
    }
}
