namespace K8sSecrets.Configuration.Google.Http;

/// <summary>
/// The few Secret Manager REST v1 calls the source makes. Failures are thrown as
/// <see cref="SecretManagerApiException"/> (a status from the service) or
/// <see cref="SecretSourceException"/> (unreachable, cut short, not the expected JSON); neither
/// ever holds a token, a payload or a response body.
/// </summary>
/// <remarks><c>parent</c> is <c>projects/{project}</c>, or <c>projects/{project}/locations/{location}</c> for regional secrets.</remarks>
internal interface ISecretManagerApi : IDisposable
{
    /// <summary><c>GET v1/{parent}/secrets/{secret}</c>.</summary>
    Task<SecretResource> GetSecretAsync(string parent, string secret, CancellationToken cancellationToken);

    /// <summary><c>GET v1/{parent}/secrets/{secret}/versions/{version}:access</c>.</summary>
    Task<AccessSecretVersionResponse> AccessAsync(string parent, string secret, string version, CancellationToken cancellationToken);

    /// <summary><c>GET v1/{parent}/secrets?filter=...&amp;pageToken=...</c>.</summary>
    Task<ListSecretsResponse> ListSecretsAsync(string parent, string filter, string? pageToken, CancellationToken cancellationToken);
}
