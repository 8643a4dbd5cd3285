using System.Net.Http.Headers;
using k8s.Authentication;

namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>
/// Reads the projected service-account token from its file, keeps it for a minute, and reads it
/// again at once after the API server answered 401 (the kubelet rotates the file about hourly).
/// </summary>
internal sealed class ServiceAccountTokenProvider(string tokenPath, TimeProvider time) : ITokenProvider, IReloadableCredentials
{
    private static readonly TimeSpan s_cacheFor = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private string? _token;
    private long _readAt;

    public string TokenPath => tokenPath;

    public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp(); // monotonic: a wall-clock step must not keep a stale token
        lock (_lock)
        {
            if (_token is not null && time.GetElapsedTime(_readAt, now) < s_cacheFor)
            {
                return Task.FromResult(new AuthenticationHeaderValue("Bearer", _token));
            }
        }

        var token = SecretFile.ReadTrimmed(tokenPath, "service-account token file");
        lock (_lock)
        {
            _token = token;
            _readAt = now;
        }

        return Task.FromResult(new AuthenticationHeaderValue("Bearer", token));
    }

    /// <summary>Forgets the cached token so that the next request reads the file again.</summary>
    public void Invalidate()
    {
        lock (_lock)
        {
            _token = null;
        }
    }
}
