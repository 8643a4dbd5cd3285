using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace K8sSecrets.Configuration.Aws.Http;

/// <summary>
/// <see cref="ISecretsManagerApi"/> over one <see cref="HttpClient"/>: <c>POST /</c> with
/// <c>X-Amz-Target: secretsmanager.&lt;Action&gt;</c>, SigV4-signed with fresh credentials for
/// each request. A signature refused because the local clock is off is sent once more, signed
/// with the server's time; expired temporary credentials are dropped and obtained again once.
/// </summary>
internal sealed class SecretsManagerHttpApi : ISecretsManagerApi
{
    /// <summary>20 values of at most 64 KiB, base64 for binary: about 2.6 MiB. Anything far larger is not Secrets Manager.</summary>
    public const int MaxResponseBytes = 8 * 1024 * 1024;

    private const string Service = "secretsmanager";
    /// <summary>
    /// A skew worth correcting: a little under the 5 minutes a SigV4 signature may be off from the
    /// server's time, so that <c>Date</c>'s one-second precision and the round trip cannot hide one.
    /// </summary>
    private static readonly TimeSpan SkewThreshold = TimeSpan.FromMinutes(4);
    /// <summary>
    /// The largest correction learned from a <c>Date</c>: a century covers a pod that boots at the epoch;
    /// a <c>Date</c> further off is not a clock (a proxy's, year 9999) and would leave the signer unable to add it.
    /// </summary>
    private static readonly TimeSpan MaxSkew = TimeSpan.FromDays(36525);
    private static readonly MediaTypeHeaderValue JsonType = new("application/x-amz-json-1.1");

    private readonly HttpClient _http;
    private readonly string _store;
    private readonly string _region;
    private readonly AwsCredentialSource _credentials;
    private readonly TimeProvider _time;
    private long _skewTicks;

    public SecretsManagerHttpApi(HttpMessageHandler handler, Uri endpoint, string region, AwsCredentialSource credentials, TimeProvider time, TimeSpan timeout)
    {
        Endpoint = endpoint;
        _store = "Secrets Manager at " + endpoint.GetLeftPart(UriPartial.Authority);
        _region = region;
        _credentials = credentials;
        _time = time;
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
    }

    public Uri Endpoint { get; }

    /// <summary>Gets the correction applied to the local clock after a skew rejection.</summary>
    public TimeSpan ClockSkew => TimeSpan.FromTicks(Interlocked.Read(ref _skewTicks));

    public Task<BatchGetSecretValueResponse> BatchGetSecretValueAsync(BatchGetSecretValueRequest request, CancellationToken cancellationToken)
        => SendAsync("BatchGetSecretValue", request, SecretsManagerJsonContext.Default.BatchGetSecretValueRequest, SecretsManagerJsonContext.Default.BatchGetSecretValueResponse, cancellationToken);

    public Task<ListSecretsResponse> ListSecretsAsync(ListSecretsRequest request, CancellationToken cancellationToken)
        => SendAsync("ListSecrets", request, SecretsManagerJsonContext.Default.ListSecretsRequest, SecretsManagerJsonContext.Default.ListSecretsResponse, cancellationToken);

    public Task<SecretValueEntry> GetSecretValueAsync(GetSecretValueRequest request, CancellationToken cancellationToken)
        => SendAsync("GetSecretValue", request, SecretsManagerJsonContext.Default.GetSecretValueRequest, SecretsManagerJsonContext.Default.SecretValueEntry, cancellationToken);

    public void Dispose()
    {
        _http.Dispose();
        _credentials.Dispose();
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        string action, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
        where TResponse : class
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, requestType);
        var retriedSkew = false;
        var retriedCredentials = false;
        while (true)
        {
            var credentials = await _credentials.GetAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = JsonType;
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager." + action);
            SigV4Signer.Sign(request, bytes, credentials, _region, Service, _time.GetUtcNow() + ClockSkew);

            SecretStoreHttp.SetOperationName(request, action);

            using var response = await SecretStoreHttp.SendAsync(_http, request, _store, caBundlePath: null, cancellationToken).ConfigureAwait(false);
            var payload = await SecretStoreHttp.ReadBodyAsync(response, _store, MaxResponseBytes, _http.Timeout, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return Parse(action, payload, responseType);
            }

            var code = ErrorCode(response, payload);
            if (!retriedSkew && IsSignatureRejection(response.StatusCode, code) && response.Headers.Date is { } serverNow && Relearn(serverNow))
            {
                retriedSkew = true;
                continue;
            }

            if (!retriedCredentials && SecretsManagerErrorCodes.IsExpiredCredentials(code))
            {
                _credentials.Invalidate();
                retriedCredentials = true;
                continue;
            }

            throw new SecretsManagerError(action, response.StatusCode, code, SecretStoreHttp.GetRetryAfter(response, _time));
        }
    }

    /// <summary>
    /// Learns the skew again when the server's time is off from the corrected clock (the local clock
    /// plus the stored skew) by more than the threshold: the local clock may have been stepped since
    /// (NTP), either way. A local clock within the threshold of the server's needs no correction, so
    /// the skew returns to zero. Returns whether the correction changed (a retry is worth it).
    /// </summary>
    private bool Relearn(DateTimeOffset serverNow)
    {
        var local = _time.GetUtcNow();
        if ((serverNow - (local + ClockSkew)).Duration() <= SkewThreshold)
        {
            return false;
        }

        var skew = serverNow - local;
        if (skew.Duration() > MaxSkew)
        {
            return false;
        }

        Interlocked.Exchange(ref _skewTicks, skew.Duration() > SkewThreshold ? skew.Ticks : 0);
        return true;
    }

    private TResponse Parse<TResponse>(string action, byte[] payload, JsonTypeInfo<TResponse> type)
        where TResponse : class
    {
        try
        {
            return JsonSerializer.Deserialize(payload, type) ?? throw Invalid(action, "the body is not a JSON object");
        }
        catch (JsonException)
        {
            // The parser's message may quote part of the body (a secret), so it is not kept.
            throw Invalid(action, "the body is not the JSON Secrets Manager sends");
        }
    }

    private static string ErrorCode(HttpResponseMessage response, byte[] payload)
    {
        string? type = null;
        if (payload.Length > 0)
        {
            try
            {
                type = JsonSerializer.Deserialize(payload, SecretsManagerJsonContext.Default.SecretsErrorBody)?.Type;
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's page): fall back to the header or the status.
            }
        }

        if (type is null && response.Headers.TryGetValues("X-Amzn-ErrorType", out var values))
        {
            type = values.FirstOrDefault();
        }

        return type is null && (int)response.StatusCode >= 500 ? "ServerError" : SecretsManagerErrorCodes.Sanitize(type);
    }

    private static bool IsSignatureRejection(HttpStatusCode status, string code)
        => status is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden
            && (SecretsManagerErrorCodes.IsClockSkew(code) || code is "InvalidSignatureException" or "SignatureDoesNotMatch");

    private SecretSourceException Invalid(string action, string why)
        => new($"invalid response from {_store} to {action}: {why}.") { IsTransient = true };
}
