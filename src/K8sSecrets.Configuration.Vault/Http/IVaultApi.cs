using System.Text.Json.Serialization.Metadata;

namespace K8sSecrets.Configuration.Vault.Http;

/// <summary>
/// The few Vault HTTP calls the source makes. Implementations never put a token, a request
/// body or a response body into an exception message.
/// </summary>
internal interface IVaultApi : IDisposable
{
    /// <summary>Sends a request without a body.</summary>
    /// <param name="method">GET or POST.</param>
    /// <param name="path">The API path below <c>/v1/</c>, with an optional query.</param>
    /// <param name="token">The <c>X-Vault-Token</c>, or <see langword="null"/> to send none (logins).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reply; 2xx bodies are parsed, and 404 bodies when they parse.</returns>
    Task<VaultReply> SendAsync(HttpMethod method, string path, string? token, CancellationToken cancellationToken);

    /// <summary>Sends a request with a JSON body.</summary>
    /// <typeparam name="T">The body's type.</typeparam>
    /// <param name="method">POST.</param>
    /// <param name="path">The API path below <c>/v1/</c>.</param>
    /// <param name="token">The <c>X-Vault-Token</c>, or <see langword="null"/> to send none (logins).</param>
    /// <param name="body">The body.</param>
    /// <param name="bodyType">The body's source-generated JSON metadata.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reply.</returns>
    Task<VaultReply> SendAsync<T>(HttpMethod method, string path, string? token, T body, JsonTypeInfo<T> bodyType, CancellationToken cancellationToken);
}
