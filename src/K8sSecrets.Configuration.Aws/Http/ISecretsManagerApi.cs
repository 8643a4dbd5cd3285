namespace K8sSecrets.Configuration.Aws.Http;

/// <summary>
/// The Secrets Manager actions the source uses, over the awsJson1_1 protocol. Failures throw a
/// <see cref="SecretsManagerError"/> (a service error code) or a <see cref="SecretSourceException"/>
/// (unreachable, invalid body); neither ever holds a body, a value, a key or a token.
/// </summary>
internal interface ISecretsManagerApi : IDisposable
{
    /// <summary>Gets the endpoint, for messages.</summary>
    Uri Endpoint { get; }

    Task<BatchGetSecretValueResponse> BatchGetSecretValueAsync(BatchGetSecretValueRequest request, CancellationToken cancellationToken);

    Task<ListSecretsResponse> ListSecretsAsync(ListSecretsRequest request, CancellationToken cancellationToken);

    Task<SecretValueEntry> GetSecretValueAsync(GetSecretValueRequest request, CancellationToken cancellationToken);
}
