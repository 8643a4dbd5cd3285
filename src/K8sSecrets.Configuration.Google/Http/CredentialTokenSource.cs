using Google.Apis.Auth.OAuth2;

namespace K8sSecrets.Configuration.Google.Http;

/// <summary>
/// Tokens from a Google.Apis.Auth credential. The credential's own refresh manager renews a
/// token before it expires; after a 401 the underlying credential is asked for a new token
/// explicitly (once per rejected token, however many requests saw the 401). Nothing here needs
/// disposing: the refresh gate is never disposed, so a refresh that ends after the source is gone still
/// releases it cleanly (a <see cref="SemaphoreSlim"/> holds a wait handle only when asked for one).
/// </summary>
internal sealed class CredentialTokenSource(ICredential credential, string description) : IAccessTokenSource
{
    private readonly SemaphoreSlim _refresh = new(1, 1);

    public string Description { get; } = description;

    public ICredential Credential { get; } = credential;

    public async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        string? token;
        try
        {
            token = await Credential.GetAccessTokenForRequestAsync(authUri: null, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The token endpoint's error text is not kept: it may quote a response body.
            throw new SecretSourceException(
                $"Could not get an access token from {Description} ({ex.GetType().Name}). On GKE, check that Workload Identity is enabled on the node pool "
                + "and that the Kubernetes service account is bound to a Google service account or granted access directly.")
            { IsTransient = true };
        }

        if (string.IsNullOrEmpty(token))
        {
            throw new SecretSourceException($"{Description} gave an empty access token.") { IsTransient = true };
        }

        return token;
    }

    public async Task<string> RefreshAsync(string rejected, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(current, rejected, StringComparison.Ordinal))
            {
                return current;
            }

            var refreshed = await ForceRefreshAsync(cancellationToken).ConfigureAwait(false);
            return refreshed ? await GetTokenAsync(cancellationToken).ConfigureAwait(false) : current;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<bool> ForceRefreshAsync(CancellationToken cancellationToken)
    {
        var inner = Credential is GoogleCredential google ? google.UnderlyingCredential : Credential;
        try
        {
            return inner switch
            {
                ServiceCredential service => await service.RequestAccessTokenAsync(cancellationToken).ConfigureAwait(false),
                UserCredential user => await user.RefreshTokenAsync(cancellationToken).ConfigureAwait(false),
                _ => false,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new SecretSourceException($"Could not refresh the access token of {Description} after a 401 ({ex.GetType().Name}).") { IsTransient = true };
        }
    }
}
