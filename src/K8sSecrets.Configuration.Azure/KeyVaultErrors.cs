using System.Globalization;
using Azure;
using Azure.Identity;

namespace K8sSecrets.Configuration.Azure;

/// <summary>
/// Turns SDK failures into messages built from the status code and error code alone. The SDK's
/// <see cref="RequestFailedException"/> quotes the response body in its message, so it is never
/// passed on, not even as an inner exception.
/// </summary>
internal static class KeyVaultErrors
{
    public const string Role = "Grant the app's identity the 'Key Vault Secrets User' role on the vault (Azure RBAC), "
        + "or, on a vault that uses access policies, an access policy with the 'get' and 'list' permissions on secrets.";

    public static bool IsThrottled(RequestFailedException error)
        => error.Status == 429
            || (error.Status == 503 && error.GetRawResponse() is { } response
                && (response.Headers.TryGetValue("Retry-After", out _) || response.Headers.TryGetValue("retry-after-ms", out _)));

    /// <summary>The wait a throttled answer asked for (<c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c> or <c>Retry-After</c>).</summary>
    public static TimeSpan? RetryAfter(RequestFailedException error, TimeProvider time)
    {
        var headers = error.GetRawResponse()?.Headers;
        if (headers is not { } h)
        {
            return null;
        }

        foreach (var name in (string[])["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (h.TryGetValue(name, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return Cap(TimeSpan.FromMilliseconds(value));
            }
        }

        return h.TryGetValue("Retry-After", out var retryAfter) ? SecretStoreHttp.ParseRetryAfter(retryAfter, time) : null;
    }

    /// <summary>"403 Forbidden" or "403 (Forbidden)": the status and the service's error code, when it is a plain identifier.</summary>
    public static string Describe(RequestFailedException error)
    {
        var status = error.Status == 0 ? "no response" : error.Status.ToString(CultureInfo.InvariantCulture);
        return error.ErrorCode is { } code && IsPlainCode(code) ? $"{status} {code}" : status;
    }

    /// <summary>A failure that is not an HTTP answer: the credential, the network, a body the SDK could not read.</summary>
    public static SecretSourceException Other(string vault, string action, Exception error) => error switch
    {
        CredentialUnavailableException => new SecretSourceException(
            $"Could not get a token to read Azure Key Vault {vault}: no credential is available ({error.GetType().Name}). "
            + "On AKS with workload identity, label the pod 'azure.workload.identity/use: \"true\"' and annotate its service account with "
            + "'azure.workload.identity/client-id'; elsewhere set Credential.")
        { IsTransient = false },
        AuthenticationFailedException => new SecretSourceException(
            $"Could not get a token to read Azure Key Vault {vault} ({error.GetType().Name}). Check the identity's federated credential "
            + "(issuer, subject system:serviceaccount:<namespace>:<service account>) or managed identity assignment."),
        RequestFailedException { Status: 0 } or HttpRequestException or TaskCanceledException or TimeoutException => new SecretSourceException(
            $"Could not reach Azure Key Vault {vault} while {action} ({error.GetType().Name}). Check VaultUri and the network path to the vault."),
        _ => new SecretSourceException($"Invalid response from Azure Key Vault {vault} while {action} ({error.GetType().Name})."),
    };

    /// <summary>Keeps a parsed wait within a day; the retry policy caps it further (<c>MaxRetryAfter</c>).</summary>
    private static TimeSpan Cap(TimeSpan wait) => wait > SecretRetryPolicy.LongestWait ? SecretRetryPolicy.LongestWait : wait;

    private static bool IsPlainCode(string code)
    {
        if (code.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in code)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
