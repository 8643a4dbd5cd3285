using System.Net;
using K8sSecrets.Configuration.Vault.Http;

namespace K8sSecrets.Configuration.Vault;

/// <summary>Turns Vault statuses into <see cref="SecretSourceException"/>s that name the path and the cause, never a body.</summary>
internal static class VaultErrors
{
    public static bool IsTransient(HttpStatusCode status) => (int)status is 412 or 429 or >= 500;

    /// <summary>
    /// Gets a value indicating whether a status speaks for all of Vault (sealed, standby, rate
    /// limited, not initialized) rather than for one path (a database behind <c>database/creds</c>
    /// that is down answers 500 while the KV paths still work).
    /// </summary>
    public static bool IsVaultWide(HttpStatusCode status) => (int)status is 429 or 501 or 503;

    public static string Describe(HttpStatusCode status) => (int)status switch
    {
        400 => "400 bad request",
        403 => "403 permission denied",
        404 => "404 not found",
        412 => "412 not yet consistent",
        429 => "429 rate limited",
        500 => "500 internal error",
        501 => "501 Vault is not initialized",
        502 => "502 upstream error",
        503 => "503 Vault is sealed, in standby or in maintenance",
        var code => $"{code} {status}",
    };

    /// <summary>A failure of <paramref name="what"/>; transient statuses keep the last good values and back off.</summary>
    public static SecretSourceException Unexpected(string what, VaultReply reply) => new(
        $"Vault answered {Describe(reply.Status)} to {what}.")
    {
        IsTransient = IsTransient(reply.Status),
        IsThrottled = reply.Status == HttpStatusCode.TooManyRequests,
        RetryAfter = reply.RetryAfter,
    };
}
