namespace K8sSecrets.Configuration.Google.Http;

/// <summary>
/// The few Secret Manager REST v1 calls the source makes. Failures are thrown as
/// <see cref="SecretManagerApiException"/> (a status from the service) or
/// <see cref="SecretSourceException"/> (unreachable, cut short, not the expected JSON); neither
/// ever holds a token, a payload or a response body.
/// </summary>
internal interface ISecretManagerApi : IDisposable
{
    /// <summary><c>GET v1/projects/{project}/secrets/{secret}</c>.</summary>
    Task<SecretResource> GetSecretAsync(string project, string secret, CancellationToken cancellationToken);

    /// <summary><c>GET v1/projects/{project}/secrets/{secret}/versions/{version}</c> (metadata only).</summary>
    Task<SecretVersionResource> GetVersionAsync(string project, string secret, string version, CancellationToken cancellationToken);

    /// <summary><c>GET v1/projects/{project}/secrets/{secret}/versions/{version}:access</c>.</summary>
    Task<AccessSecretVersionResponse> AccessAsync(string project, string secret, string version, CancellationToken cancellationToken);

    /// <summary><c>GET v1/projects/{project}/secrets?filter=...&amp;pageToken=...</c>.</summary>
    Task<ListSecretsResponse> ListSecretsAsync(string project, string filter, string? pageToken, CancellationToken cancellationToken);
}
