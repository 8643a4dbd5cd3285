using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>
/// Regional secrets: read as <c>projects/{p}/locations/{l}/secrets/...</c> at their location's endpoint,
/// with the location taken from a regional <see cref="GoogleSecretManagerOptions.Endpoint"/> or from
/// <see cref="GoogleSecretManagerOptions.Location"/>.
/// </summary>
public sealed class RegionalTests
{
    private static readonly Uri EuropeWest1 = new("https://secretmanager.europe-west1.rep.googleapis.com/");

    [Fact]
    public async Task A_regional_endpoint_reads_the_regional_secrets_of_its_location_and_lists_labels_there()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "global-value");
        h.Store.AddVersion("db", "regional-value", location: "europe-west1");
        h.Store.AddVersion("db", "other-region", location: "us-east1");
        h.Store.AddVersion("smtp", "regional-smtp", location: "europe-west1");
        h.Store.SetLabel("smtp", "app", "payments", location: "europe-west1");
        var redirect = new HostRedirect(h.Store.Address);

        var config = h.Build(gcp =>
        {
            gcp.Endpoint = EuropeWest1;                       // the issue's own example; no Location set
            gcp.HttpMessageHandlerFactory = () => redirect;
            gcp.Secret("db").SecretsWithLabel("app", "payments", section: "Payments");
        });

        Assert.Equal("regional-value", config["db"]);
        Assert.Equal("regional-smtp", config["Payments:smtp"]);
        Assert.All(redirect.Asked, u => Assert.Equal("secretmanager.europe-west1.rep.googleapis.com", u.Host));
        Assert.All(h.Store.Requests, r => Assert.StartsWith("/v1/projects/payments-prod/locations/europe-west1/secrets", r.Path, StringComparison.Ordinal));
        Assert.Contains(h.Store.Requests, r => r.Kind == "list");

        // A new regional version is found at the next poll, by accessing the regional path.
        h.Store.AddVersion("db", "regional-two", location: "europe-west1");
        await h.Clock.AdvanceAsync(TimeSpan.FromMinutes(5));
        await Testing.Eventually.HoldsAsync(() => config["db"] == "regional-two", "the new regional version is published");
        Assert.Contains(h.Store.Requests, r => r.Kind == "access" && r.Path == "/v1/projects/payments-prod/locations/europe-west1/secrets/db/versions/latest:access");
    }

    [Fact]
    public async Task Location_with_the_default_endpoint_goes_to_that_locations_regional_endpoint()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "global-value");
        h.Store.AddVersion("db", "regional-value", location: "europe-west1");
        var redirect = new HostRedirect(h.Store.Address);

        var config = h.Build(gcp =>
        {
            gcp.Endpoint = GoogleSecretManagerOptions.DefaultEndpoint;
            gcp.Location = "europe-west1";
            gcp.HttpMessageHandlerFactory = () => redirect;
            gcp.Secret("db");
        });

        Assert.Equal("regional-value", config["db"]);
        Assert.NotEmpty(redirect.Asked);
        Assert.All(redirect.Asked, u => Assert.StartsWith("https://secretmanager.europe-west1.rep.googleapis.com/v1/projects/payments-prod/locations/europe-west1/secrets/db", u.AbsoluteUri, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Location_with_another_endpoint_keeps_the_endpoint_and_reads_regional_paths()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.Location = "europe-west1";                       // a private endpoint serving one location
        h.Store.AddVersion("db", "regional-value", location: "europe-west1");

        var config = h.Build(gcp =>
        {
            gcp.Location = "europe-west1";
            gcp.Secret("db");
        });

        Assert.Equal("regional-value", config["db"]);
        Assert.All(h.Store.Requests, r => Assert.Contains("/locations/europe-west1/secrets/db", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_secret_missing_in_the_location_names_the_project_and_the_location()
    {
        await using var h = await GoogleHarness.StartAsync();
        h.Store.AddVersion("db", "global-only");
        var redirect = new HostRedirect(h.Store.Address);

        var error = Assert.Throws<SecretSourceException>(() => h.Build(gcp =>
        {
            gcp.Endpoint = EuropeWest1;
            gcp.HttpMessageHandlerFactory = () => redirect;
            gcp.Secret("db");
        }));

        Assert.Contains("Google secret 'db' (latest version) was not found in project payments-prod, location europe-west1 (404 NOT_FOUND)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://secretmanager.europe-west1.rep.googleapis.com/", "us-east1", "Location is 'us-east1' but Endpoint https://secretmanager.europe-west1.rep.googleapis.com is the regional endpoint of 'europe-west1'")]
    [InlineData("https://secretmanager.googleapis.com/", "Europe-West1", "Location 'Europe-West1' is not a Secret Manager location")]
    [InlineData("https://secretmanager.googleapis.com/", "europe-west1/../x", "is not a Secret Manager location")]
    [InlineData("https://secretmanager.googleapis.com/", "", "is not a Secret Manager location")]
    public void A_location_that_is_invalid_or_disagrees_with_a_regional_endpoint_is_refused_at_FromGoogleSecretManager(string endpoint, string location, string message)
    {
        ArgumentException? error = null;
        new ConfigurationBuilder().AddKubernetesSecrets(secrets => error = Assert.Throws<ArgumentException>(() => secrets.FromGoogleSecretManager(gcp =>
        {
            gcp.ProjectId = FakeSecretManager.Project;
            gcp.Endpoint = new Uri(endpoint);
            gcp.Location = location;
            gcp.Secret("db");
        })));

        Assert.NotNull(error);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal("Location", error.ParamName);
    }
}
