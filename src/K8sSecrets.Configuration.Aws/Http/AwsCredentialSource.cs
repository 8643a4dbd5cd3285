using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace K8sSecrets.Configuration.Aws.Http;

/// <summary>
/// The credentials requests are signed with: the ones given in the options, or AWSSDK.Core's
/// default chain (environment keys, IRSA web identity, profile, EKS Pod Identity / ECS container
/// credentials, instance metadata). Temporary credentials are cached by the SDK and refreshed
/// before they expire (15 minutes early by default); they are asked for again on every request.
/// </summary>
internal sealed class AwsCredentialSource : IDisposable
{
    private readonly AWSCredentials? _configured;
    private readonly SemaphoreSlim _resolve = new(1, 1);
    private AWSCredentials? _resolved;

    public AwsCredentialSource(AWSCredentials? configured)
    {
        _configured = configured;
    }

    /// <summary>Gets what the credentials are, for messages (the kind, never a key).</summary>
    public string Description => (_configured ?? _resolved) switch
    {
        null => "the default AWS credential chain",
        var c => $"{c.GetType().Name} credentials",
    };

    public async ValueTask<SigningCredentials> GetAsync(CancellationToken cancellationToken)
    {
        var credentials = _configured ?? _resolved ?? await ResolveAsync(cancellationToken).ConfigureAwait(false);
        ImmutableCredentials immutable;
        try
        {
            immutable = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException or HttpRequestException or IOException or InvalidOperationException)
        {
            // The SDK's messages name files and endpoints, not keys; still, only the type is kept.
            throw new SecretSourceException(
                $"Could not obtain AWS credentials from {Description} ({ex.GetType().Name}). For IRSA check AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE and the role's trust policy; for EKS Pod Identity check the association and the agent.")
            { IsTransient = true };
        }

        if (immutable is null || string.IsNullOrEmpty(immutable.AccessKey) || string.IsNullOrEmpty(immutable.SecretKey))
        {
            throw new SecretSourceException($"{Description} gave no access key.") { IsTransient = true };
        }

        return new SigningCredentials(immutable.AccessKey, immutable.SecretKey, immutable.UseToken ? immutable.Token : null);
    }

    /// <summary>Drops cached temporary credentials after the service called them expired.</summary>
    public void Invalidate()
    {
        if ((_configured ?? _resolved) is RefreshingAWSCredentials refreshing)
        {
            refreshing.ClearCredentials();
        }
    }

    public void Dispose()
    {
        _resolve.Dispose();
        if (_resolved is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }

    private async Task<AWSCredentials> ResolveAsync(CancellationToken cancellationToken)
    {
        await _resolve.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_resolved is not null)
            {
                return _resolved;
            }

            using var resolver = new DefaultAWSCredentialsIdentityResolver();
            try
            {
                _resolved = await resolver.ResolveIdentityAsync(null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException or InvalidOperationException or IOException)
            {
                throw new SecretSourceException(
                    $"No AWS credentials found ({ex.GetType().Name}). Set AwsSecretsManagerOptions.Credentials, or give the pod IRSA "
                    + "(AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, set by the EKS webhook for an annotated service account), EKS Pod Identity "
                    + "(AWS_CONTAINER_CREDENTIALS_FULL_URI), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or an AWS profile.")
                { IsTransient = true };
            }

            return _resolved ?? throw new SecretSourceException("The default AWS credential chain returned no credentials.") { IsTransient = true };
        }
        finally
        {
            _resolve.Release();
        }
    }
}
