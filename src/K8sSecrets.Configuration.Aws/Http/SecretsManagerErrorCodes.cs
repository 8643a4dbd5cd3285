namespace K8sSecrets.Configuration.Aws.Http;

/// <summary>The error codes the source treats specially, and the awsJson rule that sanitizes them.</summary>
internal static class SecretsManagerErrorCodes
{
    public const string AccessDenied = "AccessDeniedException";
    public const string ResourceNotFound = "ResourceNotFoundException";
    public const string DecryptionFailure = "DecryptionFailure";
    public const string Throttling = "ThrottlingException";
    public const string InvalidRequest = "InvalidRequestException";

    public static bool IsTransient(string code) => code is Throttling or "TooManyRequestsException" or "RequestLimitExceeded"
        or "InternalServiceError" or "InternalFailure" or "ServiceUnavailable" or "ServiceUnavailableException";

    /// <summary>Signature rejected because the client's clock is off.</summary>
    public static bool IsClockSkew(string code) => code is "RequestExpired" or "RequestTimeTooSkewed" or "SignatureExpired" or "RequestInTheFuture";

    /// <summary>The temporary credentials ran out; fresh ones may work.</summary>
    public static bool IsExpiredCredentials(string code) => code is "ExpiredTokenException" or "ExpiredToken";

    /// <summary>Keeps the text before the first <c>:</c>, then the text after the first <c>#</c> (the awsJson rule).</summary>
    public static string Sanitize(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return "UnknownError";
        }

        var colon = type.IndexOf(':', StringComparison.Ordinal);
        var code = colon >= 0 ? type[..colon] : type;
        var hash = code.IndexOf('#', StringComparison.Ordinal);
        code = hash >= 0 ? code[(hash + 1)..] : code;
        code = code.Trim();

        // Only a plain identifier is ever echoed into a message.
        return code.Length is > 0 and <= 64 && code.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_') ? code : "UnknownError";
    }
}
