using System.Globalization;
using System.Net;
using System.Text.Json;
using k8s.Autorest;

namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>
/// What went wrong with one API call, described from status codes, reasons and exception types
/// only: never from an exception's message or a response body, which can hold secret material.
/// </summary>
internal readonly record struct ApiFailure(int? StatusCode, string Description, TimeSpan? RetryAfter)
{
    public bool IsUnauthorized => StatusCode == (int)HttpStatusCode.Unauthorized;

    public bool IsForbidden => StatusCode == (int)HttpStatusCode.Forbidden;

    public bool IsGone => StatusCode == (int)HttpStatusCode.Gone;

    public bool IsNotFound => StatusCode == (int)HttpStatusCode.NotFound;

    public static ApiFailure From(Exception exception) => From(exception, TimeProvider.System);

    /// <summary>Describes a failure; <paramref name="time"/> turns a <c>Retry-After</c> date into a wait.</summary>
    public static ApiFailure From(Exception exception, TimeProvider time)
    {
        switch (exception)
        {
            case SecretSourceException own:
                return new ApiFailure(null, own.Message, own.RetryAfter); // our own text, written to hold no secret
            case HttpOperationException { Response: { } response }:
                var code = (int)response.StatusCode;
                return new ApiFailure(code, $"HTTP {code} {Reason(response.StatusCode, response.ReasonPhrase)}", RetryAfterOf(response, time));
            case HttpOperationException:
                return new ApiFailure(null, "an HTTP error without a response", null);
            case k8s.KubernetesException { Status: { } status }:
                return new ApiFailure(status.Code, $"an ERROR event in the watch stream with code {status.Code?.ToString(CultureInfo.InvariantCulture) ?? "none"} ({status.Reason ?? "no reason"})", null);
            case JsonException:
                return new ApiFailure(null, "a response that is not valid JSON (JsonException)", null);
            case HttpRequestException http:
                return new ApiFailure(
                    http.StatusCode is { } httpStatus ? (int)httpStatus : null,
                    $"a connection error ({http.HttpRequestError}{Inner(http)})",
                    null);
            default:
                return new ApiFailure(null, $"{exception.GetType().Name}{Inner(exception)}", null);
        }
    }

    /// <summary>Whether the exception chain holds the <see cref="EndOfStreamException"/> of a watch that ended with no line.</summary>
    public static bool IsEmptyStreamEnd(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is EndOfStreamException)
            {
                return true;
            }
        }

        return false;
    }

    private static string Inner(Exception exception)
        => exception.InnerException is { } inner ? ", " + inner.GetType().Name + (inner is System.Net.Sockets.SocketException socket ? " " + socket.SocketErrorCode : string.Empty) : string.Empty;

    private static string Reason(HttpStatusCode code, string? phrase)
        => phrase is { Length: > 0 and < 64 } && phrase.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-')
            ? phrase
            : code.ToString();

    private static TimeSpan? RetryAfterOf(HttpResponseMessageWrapper response, TimeProvider time)
        => response.Headers is { } headers && headers.TryGetValue("Retry-After", out var values)
            ? SecretStoreHttp.ParseRetryAfter(values.FirstOrDefault(), time) // the retry policy caps it
            : null;
}
