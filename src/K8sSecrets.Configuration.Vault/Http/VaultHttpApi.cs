using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace K8sSecrets.Configuration.Vault.Http;

/// <summary>
/// <see cref="IVaultApi"/> over one <see cref="HttpClient"/> and the shared <see cref="SecretStoreHttp"/>
/// kit (no redirects, TLS with an optional CA bundle, bodies capped at 32 MiB). Error messages name
/// the Vault path and the status, never a token or a body; bodies that are not a JSON object are
/// refused as "invalid response from Vault at &lt;path&gt;".
/// </summary>
internal sealed class VaultHttpApi : IVaultApi
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly string _store;
    private readonly string? _caBundlePath;
    private readonly string? _namespace;

    public VaultHttpApi(VaultSecretOptions options, Uri address, string? vaultNamespace, TimeProvider time)
    {
        var root = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        _caBundlePath = options.HttpMessageHandlerFactory is null ? options.CaCertificatePath : null;
        _http = new HttpClient(CreateHandler(options), disposeHandler: true)
        {
            BaseAddress = new Uri(root, "v1/"),
            Timeout = options.RequestTimeout,
            MaxResponseContentBufferSize = SecretStoreHttp.DefaultMaxBodyBytes,
        };
        _time = time;
        _store = "Vault at " + SecretStoreHttp.DescribeEndpoint(address);
        _namespace = string.IsNullOrWhiteSpace(vaultNamespace) ? null : vaultNamespace;
    }

    public Task<VaultReply> SendAsync(HttpMethod method, string path, string? token, CancellationToken cancellationToken)
        => SendCoreAsync(method, path, token, content: null, cancellationToken);

    public Task<VaultReply> SendAsync<T>(HttpMethod method, string path, string? token, T body, JsonTypeInfo<T> bodyType, CancellationToken cancellationToken)
        => SendCoreAsync(method, path, token, JsonContent.Create(body, bodyType), cancellationToken);

    public void Dispose() => _http.Dispose();

    private static HttpMessageHandler CreateHandler(VaultSecretOptions options)
    {
        if (options.HttpMessageHandlerFactory is { } factory)
        {
            return factory() ?? throw new InvalidOperationException("VaultSecretOptions.HttpMessageHandlerFactory returned null.");
        }

        var client = options.ClientCertificate;
        if (client is null && !string.IsNullOrEmpty(options.ClientCertificatePath))
        {
            try
            {
                client = X509Certificate2.CreateFromPemFile(options.ClientCertificatePath, options.ClientKeyPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new SecretSourceException(
                    $"The Vault client certificate '{options.ClientCertificatePath}' (key '{options.ClientKeyPath ?? "in the same file"}') could not be read as PEM ({ex.GetType().Name}).")
                { IsTransient = false };
            }
        }

        return options.CaCertificatePem is { Length: > 0 } pem
            ? SecretStoreHttp.CreateHandler(InlineRoots(pem), client)
            : SecretStoreHttp.CreateHandler(options.CaCertificatePath, client);
    }

    /// <summary>A CA bundle given inline (an ExternalSecret store's <c>caBundle</c>).</summary>
    private static X509Certificate2Collection InlineRoots(string pem)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new SecretSourceException($"The Vault CA bundle given inline could not be read as PEM certificates ({ex.GetType().Name}).") { IsTransient = false };
        }

        return roots.Count > 0 ? roots : throw new SecretSourceException("The Vault CA bundle given inline holds no PEM certificate.") { IsTransient = false };
    }

    private static string PathOnly(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? path : path[..query];
    }

    private async Task<VaultReply> SendCoreAsync(HttpMethod method, string path, string? token, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.TryAddWithoutValidation("X-Vault-Request", "true");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Vault-Token", token);
        }

        if (_namespace is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Vault-Namespace", _namespace);
        }

        using var response = await SecretStoreHttp.SendAsync(_http, request, _store, _caBundlePath, cancellationToken).ConfigureAwait(false);
        var status = response.StatusCode;
        var success = (int)status is >= 200 and < 300;
        if (!success && status != HttpStatusCode.NotFound)
        {
            return new VaultReply(status, null, SecretStoreHttp.GetRetryAfter(response, _time));
        }

        var bytes = await SecretStoreHttp.ReadBodyAsync(response, _store, _http.Timeout, cancellationToken).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return new VaultReply(status, null, null);
        }

        VaultEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(bytes, VaultJsonContext.Default.VaultEnvelope);
        }
        catch (JsonException)
        {
            // The parser's message may quote part of the body, so it is not kept as the inner exception.
            return success ? throw Invalid(path) : new VaultReply(status, null, null);
        }

        return envelope is null && success ? throw Invalid(path) : new VaultReply(status, envelope, null);
    }

    private static SecretSourceException Invalid(string path)
        => new($"invalid response from Vault at {PathOnly(path)}: the body is not the JSON Vault sends.") { IsTransient = true };
}
