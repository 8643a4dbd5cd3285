using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace K8sSecrets.Configuration.Vault.Http;

/// <summary>
/// <see cref="IVaultApi"/> over one <see cref="HttpClient"/>. Error messages name the Vault path
/// and the status, never a token or a body; bodies that are not a JSON object are refused as
/// "invalid response from Vault at &lt;path&gt;".
/// </summary>
internal sealed class VaultHttpApi : IVaultApi
{
    /// <summary>Vault refuses requests over 32 MiB; no sane answer is larger.</summary>
    private const int MaxResponseBytes = 32 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly string? _namespace;

    public VaultHttpApi(HttpMessageHandler handler, Uri address, string? vaultNamespace, TimeSpan timeout)
    {
        var root = address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri(root, "v1/"),
            Timeout = timeout,
            MaxResponseContentBufferSize = MaxResponseBytes,
        };
        _namespace = string.IsNullOrWhiteSpace(vaultNamespace) ? null : vaultNamespace;
    }

    public Task<VaultReply> SendAsync(HttpMethod method, string path, string? token, CancellationToken cancellationToken)
        => SendCoreAsync(method, path, token, content: null, cancellationToken);

    public Task<VaultReply> SendAsync<T>(HttpMethod method, string path, string? token, T body, JsonTypeInfo<T> bodyType, CancellationToken cancellationToken)
        => SendCoreAsync(method, path, token, JsonContent.Create(body, bodyType), cancellationToken);

    public void Dispose() => _http.Dispose();

    private static string PathOnly(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? path : path[..query];
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        // A date needs a clock to turn into a delay; Vault sends seconds, so a date is ignored.
        return null;
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

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse)
        {
            // Something answered, but not with a whole HTTP response (a proxy, a cut connection).
            throw Invalid(path, $"the response was cut short or is not HTTP ({ex.HttpRequestError})", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SecretSourceException(
                $"Vault at {_http.BaseAddress?.GetLeftPart(UriPartial.Authority)} could not be reached for {PathOnly(path)} ({ex.HttpRequestError}).", ex)
            { IsTransient = true };
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretSourceException($"Vault did not answer in time for {PathOnly(path)} (timeout {_http.Timeout.TotalSeconds:0} s).", ex) { IsTransient = true };
        }

        using (response)
        {
            var status = response.StatusCode;
            var success = (int)status is >= 200 and < 300;
            if (!success && status != HttpStatusCode.NotFound)
            {
                return new VaultReply(status, null, RetryAfter(response));
            }

            byte[] bytes;
            try
            {
                bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                throw Invalid(path, "the body was cut short", ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Invalid(path, "the body did not arrive in time", ex);
            }

            if (bytes.Length == 0)
            {
                return new VaultReply(status, null, null);
            }

            VaultEnvelope? envelope;
            try
            {
                envelope = JsonSerializer.Deserialize(bytes, VaultJsonContext.Default.VaultEnvelope);
            }
            catch (JsonException ex)
            {
                if (!success)
                {
                    return new VaultReply(status, null, null);
                }

                // The parser's message may quote part of the body, so it is not kept as the inner exception.
                _ = ex;
                throw Invalid(path, "the body is not the JSON Vault sends", null);
            }

            if (envelope is null && success)
            {
                throw Invalid(path, "the body is not the JSON Vault sends", null);
            }

            return new VaultReply(status, envelope, null);
        }
    }

    private static SecretSourceException Invalid(string path, string why, Exception? inner)
        => new($"invalid response from Vault at {PathOnly(path)}: {why}.", inner) { IsTransient = true };
}
