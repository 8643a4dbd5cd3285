using System.Net;

namespace K8sSecrets.Configuration.Google.Http;

/// <summary>
/// Secret Manager answered with an error status. Carries the HTTP status, the canonical
/// <c>google.rpc.Status</c> name when the body had one, and any <c>Retry-After</c>; the message
/// names the resource and the status only.
/// </summary>
internal sealed class SecretManagerApiException : Exception
{
    public SecretManagerApiException()
    {
    }

    public SecretManagerApiException(string message)
        : base(message)
    {
    }

    public SecretManagerApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public SecretManagerApiException(string resource, HttpStatusCode status, string? rpcStatus, TimeSpan? retryAfter)
        : base($"Secret Manager answered {(int)status} {rpcStatus ?? status.ToString()} for {resource}.")
    {
        Resource = resource;
        Status = status;
        RpcStatus = rpcStatus ?? DefaultStatus(status);
        RetryAfter = retryAfter;
    }

    /// <summary>Gets a value indicating whether the answer was a 2xx whose body is not what the service sends.</summary>
    public bool IsInvalidResponse { get; private init; }

    public string Resource { get; private init; } = string.Empty;

    public HttpStatusCode Status { get; }

    /// <summary>Gets the canonical status, for example <c>PERMISSION_DENIED</c>.</summary>
    public string RpcStatus { get; } = "UNKNOWN";

    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets a value indicating whether the whole service is in trouble (quota, outage) rather than one secret.</summary>
    public bool IsServiceWide => (int)Status is 401 or 429 or >= 500;

    public static SecretManagerApiException Invalid(string resource, string why)
        => new($"invalid response from Google Secret Manager for {resource}: {why}.") { Resource = resource, IsInvalidResponse = true };

    /// <summary>Keeps a body-read failure of <see cref="SecretStoreHttp"/> (which names the resource, never the body) as an invalid answer about that resource.</summary>
    public static SecretManagerApiException Invalid(string resource, SecretSourceException error)
        => new(error.Message, error) { Resource = resource, IsInvalidResponse = true };

    /// <summary>The google.rpc.Code HTTP mapping, for bodies without a status name.</summary>
    private static string DefaultStatus(HttpStatusCode status) => (int)status switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        >= 500 => "INTERNAL",
        _ => "UNKNOWN",
    };
}
