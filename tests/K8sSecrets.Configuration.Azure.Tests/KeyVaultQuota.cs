using System.Globalization;
using System.Text.Json.Nodes;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Http;

namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>
/// Key Vault's service limit for secrets, opt-in on <see cref="FakeKeyVault.Quota"/>: about 4,000
/// transactions per 10 seconds per vault (list pages and GETs alike; the unauthenticated challenge is not
/// a transaction). Over it the vault answers 429 with <c>Retry-After</c> (seconds until the window ends)
/// and its error JSON (<c>{"error":{"code":"Throttled",...}}</c>); refused requests do not count.
/// </summary>
public sealed class KeyVaultQuota(TimeProvider clock, int limit = KeyVaultQuota.Transactions, TimeSpan? window = null)
{
    /// <summary>Transactions per window per vault (service-limits page, "secrets, all other transactions").</summary>
    public const int Transactions = 4000;

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(10);

    public QuotaWindow Window { get; } = new(clock, limit, window ?? DefaultWindow);

    /// <summary>Admits the request, or answers it with the vault's throttling error.</summary>
    /// <returns>Whether the request may go on.</returns>
    internal async Task<bool> AdmitAsync(HttpContext context)
    {
        if (Window.TryTake() is not { } wait)
        {
            return true;
        }

        context.Response.StatusCode = 429;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = "Throttled",
                ["message"] = "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached",
            },
        };
        await context.Response.WriteAsync(body.ToJsonString());
        return false;
    }
}
