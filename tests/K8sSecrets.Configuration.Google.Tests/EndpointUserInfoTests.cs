using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Google.Tests;

public sealed class EndpointUserInfoTests
{
    private const string Password = "SENTINEL-PW";

    [Theory]
    [InlineData("https://admin:" + Password + "@secretmanager.googleapis.com/")]
    [InlineData("https://" + Password + "@secretmanager.europe-west1.rep.googleapis.com/")]
    [InlineData("http://admin:" + Password + "@127.0.0.1:8085/")]
    public void An_Endpoint_with_user_info_is_refused_by_FromGoogleSecretManager_without_the_password(string endpoint)
    {
        new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            var error = Assert.Throws<ArgumentException>(() => secrets.FromGoogleSecretManager(gcp =>
            {
                gcp.ProjectId = "payments-prod";
                gcp.Endpoint = new Uri(endpoint);
                gcp.Secret("db");
            }));

            Assert.Equal("Endpoint", error.ParamName);
            Assert.Contains("Endpoint", error.Message, StringComparison.Ordinal);
            Assert.Contains("user info", error.Message, StringComparison.Ordinal);
            Assert.Contains("Credential", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
        });
    }
}
