using System.Net;

namespace K8sSecrets.Configuration.Aws.Http;

/// <summary>
/// An error answer of Secrets Manager: the HTTP status and the sanitized error code. The
/// service's own message is deliberately dropped: for a signature error it quotes the canonical
/// request, session token included.
/// </summary>
internal sealed class SecretsManagerError : Exception
{
    public SecretsManagerError()
    {
    }

    public SecretsManagerError(string message)
        : base(message)
    {
    }

    public SecretsManagerError(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public SecretsManagerError(string action, HttpStatusCode status, string code, TimeSpan? retryAfter)
        : base($"Secrets Manager answered {(int)status} {code} to {action}.")
    {
        Action = action;
        Status = status;
        Code = code;
        RetryAfter = retryAfter;
    }

    public string Action { get; } = string.Empty;

    public HttpStatusCode Status { get; }

    public string Code { get; } = string.Empty;

    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets a value indicating whether trying again later may succeed (throttling, a server fault).</summary>
    public bool IsTransient => (int)Status >= 500 || SecretsManagerErrorCodes.IsTransient(Code);
}
