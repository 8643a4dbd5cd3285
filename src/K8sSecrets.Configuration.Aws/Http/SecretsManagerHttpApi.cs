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
    private static readonly TimeSpan SkewThreshold = TimeSpan.FromMinutes(4);
    private static readonly MediaTypeHeaderValue JsonType = new("application/x-amz-json-1.1");

    private readonly HttpClient _http;
    private readonly string _region;
    private readonly AwsCredentialSource _credentials;
    private readonly TimeProvider _time;
    private long _skewTicks;

    public SecretsManagerHttpApi(HttpMessageHandler handler, Uri endpoint, string region, AwsCredentialSource credentials, TimeProvider time, TimeSpan timeout)
    {
        Endpoint = endpoint;
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

            using var response = await SendCoreAsync(action, request, cancellationToken).ConfigureAwait(false);
            var payload = await ReadCappedAsync(action, response, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return Parse(action, payload, responseType);
            }

            var code = ErrorCode(response, payload);
            if (!retriedSkew && IsSignatureRejection(response.StatusCode, code) && response.Headers.Date is { } serverNow)
            {
                var skew = serverNow - _time.GetUtcNow();
                if (skew.Duration() > SkewThreshold)
                {
                    Interlocked.Exchange(ref _skewTicks, skew.Ticks);
                    retriedSkew = true;
                    continue;
                }
            }

            if (!retriedCredentials && SecretsManagerErrorCodes.IsExpiredCredentials(code))
            {
                _credentials.Invalidate();
                retriedCredentials = true;
                continue;
            }

            throw new SecretsManagerError(action, response.StatusCode, code, RetryAfter(response));
        }
    }

    private async Task<HttpResponseMessage> SendCoreAsync(string action, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse)
        {
            throw Invalid(action, $"the response was cut short or is not HTTP ({ex.HttpRequestError})", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SecretSourceException($"Secrets Manager at {Endpoint.GetLeftPart(UriPartial.Authority)} could not be reached for {action} ({ex.HttpRequestError}).", ex) { IsTransient = true };
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretSourceException($"Secrets Manager did not answer {action} in time (timeout {_http.Timeout.TotalSeconds:0} s).", ex) { IsTransient = true };
        }
    }

    private async Task<byte[]> ReadCappedAsync(string action, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw Invalid(action, $"the body is {response.Content.Headers.ContentLength} bytes, over the {MaxResponseBytes / (1024 * 1024)} MiB limit", null);
        }

        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var buffer = new MemoryStream();
                var chunk = new byte[16 * 1024];
                int read;
                while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxResponseBytes)
                    {
                        throw Invalid(action, $"the body is over the {MaxResponseBytes / (1024 * 1024)} MiB limit", null);
                    }

                    buffer.Write(chunk, 0, read);
                }

                return buffer.ToArray();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Invalid(action, "the body was cut short", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Invalid(action, "the body did not arrive in time", ex);
        }
    }

    private TResponse Parse<TResponse>(string action, byte[] payload, JsonTypeInfo<TResponse> type)
        where TResponse : class
    {
        try
        {
            return JsonSerializer.Deserialize(payload, type) ?? throw Invalid(action, "the body is not a JSON object", null);
        }
        catch (JsonException)
        {
            // The parser's message may quote part of the body (a secret), so it is not kept.
            throw Invalid(action, "the body is not the JSON Secrets Manager sends", null);
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

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
        => response.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero ? delta : null;

    private SecretSourceException Invalid(string action, string why, Exception? inner)
        => new($"invalid response from Secrets Manager at {Endpoint.GetLeftPart(UriPartial.Authority)} to {action}: {why}.", inner) { IsTransient = true };
}
