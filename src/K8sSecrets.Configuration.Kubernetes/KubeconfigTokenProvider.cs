using System.Net.Http.Headers;
using k8s;
using k8s.Authentication;

namespace K8sSecrets.Configuration;

/// <summary>
/// The bearer credentials of a kubeconfig user (a static <c>token</c>, a <c>tokenFile</c> or an
/// <c>exec</c> plugin), rebuilt from the kubeconfig after the API server answered 401: out of a
/// cluster, an exec plugin's short-lived token or a rotated token file would otherwise fail every
/// request until a restart. The client keeps this provider; only what it hands out is replaced.
/// </summary>
internal sealed class KubeconfigTokenProvider : ITokenProvider, IReloadableCredentials
{
    private readonly Func<KubernetesClientConfiguration?> _reload;
    private readonly Lock _lock = new();
    private Credentials _current;
    private bool _stale;

    private KubeconfigTokenProvider(Credentials current, Func<KubernetesClientConfiguration?> reload)
    {
        _current = current;
        _reload = reload;
    }

    /// <summary>
    /// Makes <paramref name="config"/> authenticate through a provider that can be rebuilt from
    /// <paramref name="reload"/>; returns null (and leaves it as is) when its user has no bearer
    /// credentials (client certificates, basic auth), which re-reading would not renew.
    /// </summary>
    public static KubeconfigTokenProvider? Install(KubernetesClientConfiguration config, Func<KubernetesClientConfiguration?> reload)
    {
        if (Credentials.From(config) is not { } credentials)
        {
            return null;
        }

        var provider = new KubeconfigTokenProvider(credentials, reload);
        config.TokenProvider = provider;
        config.AccessToken = null;
        return provider;
    }

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        Credentials current;
        lock (_lock)
        {
            if (_stale)
            {
                _current = Reload();
                _stale = false;
            }

            current = _current;
        }

        return current.Provider is { } inner
            ? await inner.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false)
            : new AuthenticationHeaderValue("Bearer", current.Token);
    }

    public void Invalidate()
    {
        lock (_lock)
        {
            _stale = true;
        }
    }

    private Credentials Reload()
    {
        KubernetesClientConfiguration? fresh;
        try
        {
            fresh = _reload();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Only the type: a kubeconfig parser's or a plugin's message can quote a token.
            throw new SecretSourceException(
                $"The API server refused the kubeconfig credentials (401) and reading the kubeconfig again failed ({ex.GetType().Name}). Check the kubeconfig the process uses (KUBECONFIG or ~/.kube/config) and its user's token, token file or exec plugin.");
        }

        return (fresh is null ? null : Credentials.From(fresh)) ?? throw new SecretSourceException(
            "The API server refused the kubeconfig credentials (401), and the kubeconfig read again has no token, token file or exec plugin for its current user. Fix the kubeconfig (KUBECONFIG or ~/.kube/config).");
    }

    /// <summary>A token provider (token file, exec plugin) or a static token.</summary>
    private sealed record Credentials(ITokenProvider? Provider, string? Token)
    {
        public static Credentials? From(KubernetesClientConfiguration config)
            => config.TokenProvider is { } provider ? new Credentials(provider, null)
            : !string.IsNullOrEmpty(config.AccessToken) ? new Credentials(null, config.AccessToken)
            : null;
    }
}
