using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace K8sSecrets.Configuration.Google.Http;

/// <summary>
/// <see cref="ISecretManagerApi"/> over one <see cref="HttpClient"/>: bearer tokens from an
/// <see cref="IAccessTokenSource"/> (one fresh token and one retry after a 401), at most
/// <c>maxConcurrency</c> requests in flight, response bodies capped, errors reduced to the
/// resource and the <c>google.rpc.Status</c> code. Bodies and tokens never reach a message.
/// </summary>
internal sealed class SecretManagerHttpApi : ISecretManagerApi
{
    /// <summary>A payload is at most 64 KiB (about 88 KB as base64); a list page of a few hundred secrets fits easily.</summary>
    internal const int MaxResponseBytes = 4 * 1024 * 1024;

    private const int ListPageSize = 250;

    private readonly HttpClient _http;
    private readonly string _store;
    private readonly IAccessTokenSource _tokens;
    private readonly SemaphoreSlim _gate;
    private readonly TimeProvider _time;

    public SecretManagerHttpApi(HttpMessageHandler handler, Uri endpoint, IAccessTokenSource tokens, int maxConcurrency, TimeSpan timeout, TimeProvider time)
    {
        var root = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri(root, "v1/"),
            Timeout = timeout,
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
        _store = "Google Secret Manager at " + endpoint.GetLeftPart(UriPartial.Authority);
        _tokens = tokens;
        _gate = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        _time = time;
    }

    public Task<SecretResource> GetSecretAsync(string parent, string secret, CancellationToken cancellationToken)
        => SendAsync($"{parent}/secrets/{Escape(secret)}", query: null, SecretManagerJsonContext.Default.SecretResource, cancellationToken);

    public Task<AccessSecretVersionResponse> AccessAsync(string parent, string secret, string version, CancellationToken cancellationToken)
        => SendAsync($"{parent}/secrets/{Escape(secret)}/versions/{Escape(version)}:access", query: null, SecretManagerJsonContext.Default.AccessSecretVersionResponse, cancellationToken);

    public Task<ListSecretsResponse> ListSecretsAsync(string parent, string filter, string? pageToken, CancellationToken cancellationToken)
    {
        var query = $"pageSize={ListPageSize}&filter={Uri.EscapeDataString(filter)}";
        if (!string.IsNullOrEmpty(pageToken))
        {
            query += "&pageToken=" + Uri.EscapeDataString(pageToken);
        }

        return SendAsync($"{parent}/secrets", query, SecretManagerJsonContext.Default.ListSecretsResponse, cancellationToken);
    }

    /// <summary>
    /// Disposes the HTTP client, which cancels any request still in flight. The concurrency gate is
    /// left alone: a request ending after this still releases it (disposing a <see cref="SemaphoreSlim"/>
    /// only frees a wait handle this class never asks for).
    /// </summary>
    public void Dispose() => _http.Dispose();

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private async Task<T> SendAsync<T>(string resource, string? query, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var token = await _tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            var (status, body, retryAfter) = await ExchangeAsync(resource, query, token, cancellationToken).ConfigureAwait(false);
            if (status == HttpStatusCode.Unauthorized)
            {
                token = await _tokens.RefreshAsync(token, cancellationToken).ConfigureAwait(false);
                (status, body, retryAfter) = await ExchangeAsync(resource, query, token, cancellationToken).ConfigureAwait(false);
            }

            if ((int)status is < 200 or >= 300)
            {
                throw new SecretManagerApiException(resource, status, ReadStatus(body), retryAfter);
            }

            return Parse(resource, body, type);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(HttpStatusCode Status, byte[] Body, TimeSpan? RetryAfter)> ExchangeAsync(
        string resource, string? query, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(query is null ? resource : resource + "?" + query, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        SecretStoreHttp.SetOperationName(request, resource);

        using var response = await SecretStoreHttp.SendAsync(_http, request, _store, caBundlePath: null, cancellationToken).ConfigureAwait(false);
        byte[] body;
        try
        {
            body = await SecretStoreHttp.ReadBodyAsync(response, _store, MaxResponseBytes, _http.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretSourceException ex)
        {
            // A body too large or cut short concerns this resource: the other secrets still update.
            throw SecretManagerApiException.Invalid(resource, ex);
        }

        return (response.StatusCode, body, SecretStoreHttp.GetRetryAfter(response, _time));
    }

    private static string? ReadStatus(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            var status = JsonSerializer.Deserialize(body, SecretManagerJsonContext.Default.ErrorEnvelope)?.Error?.Status;
            return status is { Length: > 0 and <= 64 } && status.All(static c => c is (>= 'A' and <= 'Z') or '_') ? status : null;
        }
        catch (JsonException)
        {
            // An error page from a proxy rather than the service; the HTTP status still says enough.
            return null;
        }
    }

    private static T Parse<T>(string resource, byte[] body, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw Invalid(resource, "the body is JSON null");
        }
        catch (JsonException)
        {
            // The parser's message may quote part of the body (a payload), so it is not kept.
            throw Invalid(resource, "the body is not the JSON Secret Manager sends");
        }
    }

    private static SecretManagerApiException Invalid(string resource, string why) => SecretManagerApiException.Invalid(resource, why);
}
