using System.Text.Json.Nodes;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Http;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>
/// Secret Manager's per-project quotas, opt-in on <see cref="FakeSecretManager.Quota"/>: access requests
/// 90,000 a minute, read requests (list secrets, get secret, get version, list versions) 600 a minute.
/// Over one, the call is answered 429 <c>RESOURCE_EXHAUSTED</c> in the google.rpc.Status shape with an
/// <c>ErrorInfo</c> naming the quota, without <c>Retry-After</c> (none is sent for quota errors).
/// </summary>
public sealed class SecretManagerQuota
{
    public const int AccessPerMinute = 90_000;
    public const int ReadPerMinute = 600;

    /// <param name="clock">The clock the one-minute windows are counted on.</param>
    /// <param name="accessLimit">Access requests per window.</param>
    /// <param name="readLimit">Read (metadata) requests per window.</param>
    /// <param name="window">The window (one minute by default; a test may shorten it).</param>
    public SecretManagerQuota(TimeProvider clock, int accessLimit = AccessPerMinute, int readLimit = ReadPerMinute, TimeSpan? window = null)
    {
        Access = new QuotaWindow(clock, accessLimit, window ?? TimeSpan.FromMinutes(1));
        Read = new QuotaWindow(clock, readLimit, window ?? TimeSpan.FromMinutes(1));
    }

    public QuotaWindow Access { get; }

    public QuotaWindow Read { get; }

    public long Refused => Access.Refused + Read.Refused;

    /// <summary>Admits a call of <paramref name="kind"/> (the fake's route kind), or answers it with the quota error.</summary>
    /// <returns>Whether the request may go on.</returns>
    internal async Task<bool> AdmitAsync(HttpContext context, string kind)
    {
        var (quota, metric, limit) = kind == "access"
            ? (Access, "secretmanager.googleapis.com/access_requests", "AccessRequestsPerMinutePerProject")
            : (Read, "secretmanager.googleapis.com/read_requests", "ReadRequestsPerMinutePerProject");
        if (quota.TryTake() is null)
        {
            return true;
        }

        context.Response.StatusCode = 429;
        context.Response.ContentType = "application/json; charset=UTF-8";
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = 429,
                ["message"] = $"Quota exceeded for quota metric '{metric}' and limit '{limit}' of service 'secretmanager.googleapis.com' for consumer 'project_number:{FakeSecretManager.ProjectNumber}'.",
                ["status"] = "RESOURCE_EXHAUSTED",
                ["details"] = new JsonArray(new JsonObject
                {
                    ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo",
                    ["reason"] = "RATE_LIMIT_EXCEEDED",
                    ["domain"] = "googleapis.com",
                    ["metadata"] = new JsonObject
                    {
                        ["service"] = "secretmanager.googleapis.com",
                        ["consumer"] = $"projects/{FakeSecretManager.ProjectNumber}",
                        ["quota_metric"] = metric,
                        ["quota_limit"] = limit,
                    },
                }),
            },
        };
        await context.Response.WriteAsync(body.ToJsonString());
        return false;
    }
}
