using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Aws.Tests;

[CollectionDefinition(nameof(EndpointUserInfoTests), DisableParallelization = true)]
[Collection(nameof(EndpointUserInfoTests))]
public sealed class EndpointUserInfoTests
{
    private const string Password = "SENTINEL-PW";

    [Theory]
    [InlineData("https://admin:" + Password + "@secretsmanager.eu-west-1.amazonaws.com/")]
    [InlineData("https://" + Password + "@vpce-0a1b.secretsmanager.eu-west-1.vpce.amazonaws.com/")]
    [InlineData("http://admin:" + Password + "@127.0.0.1:4566/")]
    public void A_ServiceUrl_with_user_info_is_refused_by_FromAwsSecretsManager_without_the_password(string serviceUrl)
    {
        new ConfigurationBuilder().AddKubernetesSecrets(secrets =>
        {
            var error = Assert.Throws<ArgumentException>(() => secrets.FromAwsSecretsManager(aws =>
            {
                aws.Region = "eu-west-1";
                aws.ServiceUrl = new Uri(serviceUrl);
                aws.Secret("prod/db");
            }));

            Assert.Equal("ServiceUrl", error.ParamName);
            Assert.Contains("ServiceUrl", error.Message, StringComparison.Ordinal);
            Assert.Contains("user info", error.Message, StringComparison.Ordinal);
            Assert.Contains("Credentials", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task An_endpoint_variable_with_user_info_is_refused_without_the_password()
    {
        await using var h = await AwsHarness.StartAsync();
        var endpoint = new UriBuilder(h.Fake.Address) { UserName = "admin", Password = Password }.Uri;
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_SECRETS_MANAGER", endpoint.ToString());
        try
        {
            var error = Assert.Throws<SecretSourceException>(() => h.Build(aws =>
            {
                aws.ServiceUrl = null;
                aws.Secret("prod/db");
            }));

            Assert.Contains("AWS_ENDPOINT_URL_SECRETS_MANAGER", error.Message, StringComparison.Ordinal);
            Assert.Contains("user info", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
            h.Logs.AssertNoSentinel(Password);
            Assert.Empty(h.Fake.Requests);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_SECRETS_MANAGER", null);
        }
    }
}
