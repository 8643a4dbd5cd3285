using Amazon;
using Amazon.Runtime;
using K8sSecrets.Configuration;
using K8sSecrets.Configuration.Aws;
using K8sSecrets.Configuration.Aws.Http;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds AWS Secrets Manager to a <see cref="KubernetesSecretsBuilder"/>.</summary>
public static class AwsSecretsManagerKubernetesSecretsBuilderExtensions
{
    /// <summary>
    /// Adds AWS Secrets Manager secrets as a secret source: named secrets and every secret under a
    /// name prefix, read 20 per call, polled by version id so that an unchanged poll reads no value.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="configure">Sets the region, the credentials and the secrets to read.</param>
    /// <returns>The secrets builder.</returns>
    /// <exception cref="InvalidOperationException">No secret was declared.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An interval is not positive, or longer than <see cref="SecretRetryPolicy.LongestWait"/>.</exception>
    /// <exception cref="ArgumentException"><c>ServiceUrl</c> is not an absolute http or https URI, or holds user info.</exception>
    public static KubernetesSecretsBuilder FromAwsSecretsManager(this KubernetesSecretsBuilder builder, Action<AwsSecretsManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new AwsSecretsManagerOptions();
        configure(options);
        options.CheckSettings();
        return builder.AddSource(context => Create(options, context));
    }

    internal static AwsSecretsManagerSource Create(AwsSecretsManagerOptions options, SecretSourceContext context)
    {
        var region = options.Region ?? options.RegionFromEnvironment();
        var what = options.Secrets.Select(static s => s.Id).Concat(options.Prefixes.Select(static p => p.Prefix + "*"));
        return new AwsSecretsManagerSource($"{region ?? "(no region)"} {string.Join(",", what)}", options, () => Open(options, region, context), context.Retry);
    }

    /// <summary>Makes the reader at the first read, so that a missing region fails that read (an optional source starts empty and reports it).</summary>
    private static AwsSecretsReader Open(AwsSecretsManagerOptions options, string? region, SecretSourceContext context)
    {
        if (region is null)
        {
            throw new SecretSourceException("No AWS region: set AwsSecretsManagerOptions.Region, AWS_REGION, or a region in the AWS profile.") { IsTransient = false };
        }

        var endpoint = options.ServiceUrl ?? EndpointFromEnvironment() ?? new Uri($"https://secretsmanager.{region}.amazonaws.com/");
        var handler = options.HttpMessageHandlerFactory is { } factory
            ? factory() ?? throw new InvalidOperationException("AwsSecretsManagerOptions.HttpMessageHandlerFactory returned null.")
            : SecretStoreHttp.CreateHandler(caBundlePath: null, clientCertificate: null);
        var credentials = new AwsCredentialSource(options.Credentials);
        var api = new SecretsManagerHttpApi(handler, endpoint, region, credentials, context.TimeProvider, options.RequestTimeout);
        return new AwsSecretsReader(api, options, credentials.Description, context.LoggerFactory.CreateLogger<AwsSecretsReader>());
    }

    internal static string? RegionFromEnvironment()
    {
        try
        {
            return FallbackRegionFactory.GetRegionEndpoint()?.SystemName;
        }
        catch (AmazonClientException)
        {
            return null;
        }
    }

    private static Uri? EndpointFromEnvironment()
    {
        foreach (var variable in (string[])["AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"])
        {
            if (Uri.TryCreate(Environment.GetEnvironmentVariable(variable), UriKind.Absolute, out var uri))
            {
                return SecretStoreHttp.FindUserInfo(uri, "sign requests with AwsSecretsManagerOptions.Credentials (or the default AWS chain)") is { } userInfo
                    ? throw new SecretSourceException($"The {variable} environment variable {userInfo}.") { IsTransient = false }
                    : uri;
            }
        }

        return null;
    }
}
