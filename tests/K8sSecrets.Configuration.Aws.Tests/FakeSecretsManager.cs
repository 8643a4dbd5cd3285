using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Http;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>One request the fake received, after its signature was checked.</summary>
public sealed record SmRequest(string Action, JsonObject Body, bool SignatureValid, string SignedHeaders);

/// <summary>A scripted answer to the next call of one action.</summary>
public sealed record SmFault(int Status, string Body, int? RetryAfterSeconds = null, string? RetryAfter = null);

/// <summary>
/// A small Secrets Manager on loopback (Kestrel, port 0) speaking the awsJson1_1 shapes of the API
/// reference: <c>POST /</c> dispatched on <c>X-Amz-Target</c>, <c>Content-Type:
/// application/x-amz-json-1.1</c> required, every request's SigV4 signature recomputed with the
/// test credentials (scope region/service, date within 15 minutes, session token signed), and
/// ListSecrets (name filter, paging, SecretVersionsToStages, NextRotationDate), BatchGetSecretValue
/// (ids or filters, per-secret Errors in a 200, paging) and GetSecretValue (stage or version id).
/// A secret is found by name, full ARN, or partial ARN (the ARN without its hyphen and six random
/// characters; one ending in a hyphen and six letters or digits is taken as full, as AWS does).
/// Rotation moves AWSCURRENT to the new version and AWSPREVIOUS to the old one.
/// </summary>
public sealed class FakeSecretsManager : IAsyncDisposable
{
    public const string AccessKey = "AKIDFAKE0000EXAMPLE";
    public const string SecretKey = "fake/Secret+Key-SENTINEL-SECRETKEY";
    public const string SessionToken = "FwoGZXIvYXdzSENTINEL-SESSIONTOKEN//////wEaDExample";
    public const string Region = "eu-west-1";
    public const string Account = "123456789012";

    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeSecret> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SmFault>> _faults = new(StringComparer.Ordinal);
    private LoopbackServer _server = null!;
    private int _serial;

    private FakeSecretsManager(TimeProvider clock) => _clock = clock;

    public Uri Address => _server.Address;

    public ConcurrentQueue<SmRequest> Requests { get; } = new();

    /// <summary>Gets or sets whether a session token must come (and be signed) with every request.</summary>
    public bool RequireSessionToken { get; set; } = true;

    /// <summary>Gets or sets how far the server's clock is ahead of the test's clock.</summary>
    public TimeSpan ServerClockOffset { get; set; }

    /// <summary>Gets or sets how far a request's X-Amz-Date may be from the server's time: SigV4's 5 minutes.</summary>
    public TimeSpan SigningWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets whether ListSecrets lists the newest secrets first (as its default created-date order does) rather than by name.</summary>
    public bool ListNewestFirst { get; set; }

    /// <summary>Gets or sets a real delay added to every answer (for the probe).</summary>
    public TimeSpan Latency { get; set; }

    public bool DenyListSecrets { get; set; }

    /// <summary>Gets or sets the enforced request quotas (none when null): see <see cref="SecretsManagerQuota"/>.</summary>
    public SecretsManagerQuota? Quota { get; set; }

    /// <summary>Gets or sets the answer every signed request gets while set (an outage), before any queued fault.</summary>
    public SmFault? Outage { get; set; }

    public HashSet<string> DeniedSecrets { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets per-secret error codes reported inside BatchGetSecretValue answers (and by GetSecretValue).</summary>
    public ConcurrentDictionary<string, string> SecretErrors { get; } = new(StringComparer.Ordinal);

    public int ValueCalls => Requests.Count(r => r.Action is "BatchGetSecretValue" or "GetSecretValue");

    public int Count(string action) => Requests.Count(r => r.Action == action);

    public static async Task<FakeSecretsManager> StartAsync(TimeProvider clock)
    {
        var fake = new FakeSecretsManager(clock);
        fake._server = await LoopbackServer.StartAsync(fake.HandleAsync);
        return fake;
    }

    public string ArnOf(string name) => _secrets[name].Arn;

    /// <summary>Creates the secret or rotates it: the new version becomes AWSCURRENT, the old one AWSPREVIOUS.</summary>
    /// <param name="arnSuffix">The six random characters of a new secret's ARN; by default derived from the name.</param>
    public string Put(string name, string value, string? arnSuffix = null) => PutCore(name, value, null, arnSuffix);

    public string PutBinary(string name, byte[] value) => PutCore(name, null, value, null);

    public void SetNextRotation(string name, DateTimeOffset at)
    {
        lock (_lock)
        {
            _secrets[name].NextRotation = at;
        }
    }

    public void Delete(string name)
    {
        lock (_lock)
        {
            _secrets.Remove(name);
        }
    }

    public void Fail(string action, SmFault fault, int times = 1)
    {
        var queue = _faults.GetOrAdd(action, _ => new ConcurrentQueue<SmFault>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(fault);
        }
    }

    /// <summary>Drops the scripted faults not yet answered.</summary>
    public void ClearFaults() => _faults.Clear();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private string PutCore(string name, string? text, byte[]? binary, string? arnSuffix)
    {
        lock (_lock)
        {
            if (!_secrets.TryGetValue(name, out var secret))
            {
                var suffix = arnSuffix ?? Convert.ToHexString(BitConverter.GetBytes(name.GetHashCode(StringComparison.Ordinal)))[..6];
                _secrets[name] = secret = new FakeSecret(name, $"arn:aws:secretsmanager:{Region}:{Account}:secret:{name}-{suffix}", ++_serial);
            }

            foreach (var version in secret.Versions)
            {
                version.Stages.Remove("AWSPREVIOUS");
                if (version.Stages.Remove("AWSCURRENT"))
                {
                    version.Stages.Add("AWSPREVIOUS");
                }
            }

            var id = $"{++_serial:D8}-0000-4000-8000-{name.Length:D12}";
            secret.Versions.Add(new FakeVersion(id, text, binary, ["AWSCURRENT"]));
            return id;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency);
        }

        var request = context.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var target = request.Headers["X-Amz-Target"].ToString();
        var action = target.StartsWith("secretsmanager.", StringComparison.Ordinal) ? target["secretsmanager.".Length..] : target;
        var now = _clock.GetUtcNow() + ServerClockOffset;
        context.Response.Headers.Date = now.ToString("R");
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();

        if (request.Method != "POST" || request.Path != "/" || request.ContentType != "application/x-amz-json-1.1")
        {
            await WriteAsync(context, 400, Error("SerializationException", "expected POST / with application/x-amz-json-1.1"));
            return;
        }

        var (valid, signed, problem) = Verify(request, body, now);
        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        Requests.Enqueue(new SmRequest(action, json ?? [], valid, signed));
        if (!valid)
        {
            await WriteAsync(context, problem!.Value.Status, problem.Value.Json);
            return;
        }

        if (json is null)
        {
            await WriteAsync(context, 400, Error("SerializationException", "body is not a JSON object"));
            return;
        }

        if (Outage is { } fault || (_faults.TryGetValue(action, out var queue) && queue.TryDequeue(out fault)))
        {
            if (fault.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (fault.RetryAfter is { } raw)
            {
                context.Response.Headers.RetryAfter = raw;
            }

            await WriteAsync(context, fault.Status, fault.Body);
            return;
        }

        if (Quota?.Admit(action) is { } throttled)
        {
            await WriteAsync(context, throttled.Status, throttled.Json);
            return;
        }

        var (status, answer) = action switch
        {
            "ListSecrets" => ListSecrets(json),
            "BatchGetSecretValue" => BatchGet(json),
            "GetSecretValue" => GetSecretValue(json),
            _ => (400, Error("UnknownOperationException", "unknown operation")),
        };
        await WriteAsync(context, status, answer);
    }

    private (bool Valid, string Signed, (int Status, string Json)? Problem) Verify(HttpRequest request, byte[] body, DateTimeOffset now)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string Prefix = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return (false, "", (400, Error("MissingAuthenticationTokenException", "Missing Authentication Token")));
        }

        var parts = authorization[Prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedText) || !parts.TryGetValue("Signature", out var signature))
        {
            return (false, "", (400, Error("IncompleteSignatureException", "Authorization header is incomplete")));
        }

        var scope = credential.Split('/');
        var amzDate = request.Headers["X-Amz-Date"].ToString();
        if (scope.Length != 5 || scope[0] != AccessKey)
        {
            return (false, signedText, (400, Error("UnrecognizedClientException", "The security token included in the request is invalid.")));
        }

        if (scope[2] != Region || scope[3] != "secretsmanager" || scope[4] != "aws4_request" || amzDate.Length != 16 || scope[1] != amzDate[..8])
        {
            return (false, signedText, (400, Error("InvalidSignatureException", "Credential should be scoped to a valid region and service.")));
        }

        var signedAt = SigV4Check.ParseAmzDate(amzDate);
        if ((signedAt - now).Duration() > SigningWindow)
        {
            return (false, signedText, (400, Error("InvalidSignatureException", $"Signature expired: {amzDate} is now earlier than {now - SigningWindow:yyyyMMdd'T'HHmmss'Z'} ({now:yyyyMMdd'T'HHmmss'Z'} - {SigningWindow.TotalMinutes} min.)")));
        }

        var signed = signedText.Split(';');
        var token = request.Headers["X-Amz-Security-Token"].ToString();
        var required = RequireSessionToken ? new[] { "content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target" } : ["content-type", "host", "x-amz-date", "x-amz-target"];
        if (required.Any(h => !signed.Contains(h)) || (RequireSessionToken && token != SessionToken))
        {
            return (false, signedText, (400, Error("IncompleteSignatureException", "Required headers are not signed or the session token is wrong.")));
        }

        var canonical = SigV4Check.Canonical(
            request.Method,
            request.Path.Value!,
            request.QueryString.Value ?? string.Empty,
            name => name == "host" ? request.Host.Value : request.Headers[name].ToString(),
            signed,
            body);
        var expected = SigV4Check.Sign(SecretKey, amzDate, Region, "secretsmanager", canonical);
        if (!string.Equals(expected, signature, StringComparison.Ordinal))
        {
            // As the real service does, the message quotes the canonical request, session token included.
            return (false, signedText, (400, Error("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. The Canonical String for this request should have been\n'" + canonical + "'")));
        }

        return (true, signedText, null);
    }

    private (int, string) ListSecrets(JsonObject body)
    {
        if (DenyListSecrets)
        {
            return (400, Error("AccessDeniedException", $"User: arn:aws:sts::{Account}:assumed-role/app/x is not authorized to perform: secretsmanager:ListSecrets"));
        }

        var prefixes = NameFilterValues(body);
        var max = body["MaxResults"]?.GetValue<int>() ?? 100;
        if (max is < 1 or > 100)
        {
            return (400, Error("InvalidParameterException", "MaxResults must be 1-100"));
        }

        lock (_lock)
        {
            var selected = _secrets.Values.Where(s => prefixes is null || prefixes.Any(p => s.Name.StartsWith(p, StringComparison.Ordinal)));
            var matching = (ListNewestFirst ? selected.OrderByDescending(s => s.Created) : selected.OrderBy(s => s.Name, StringComparer.Ordinal)).ToList();
            var start = int.TryParse(body["NextToken"]?.GetValue<string>(), out var t) ? t : 0;
            var page = matching.Skip(start).Take(max).ToList();
            var list = new JsonArray();
            foreach (var secret in page)
            {
                var stages = new JsonObject();
                foreach (var version in secret.Versions.Where(v => v.Stages.Count > 0))
                {
                    stages[version.Id] = new JsonArray([.. version.Stages.Select(s => (JsonNode)JsonValue.Create(s))]);
                }

                var entry = new JsonObject
                {
                    ["ARN"] = secret.Arn,
                    ["Name"] = secret.Name,
                    ["LastChangedDate"] = 1523477145.713,
                    ["SecretVersionsToStages"] = stages,
                    ["CreatedDate"] = 1523477145.713,
                };
                if (secret.NextRotation is { } next)
                {
                    entry["RotationEnabled"] = true;
                    entry["NextRotationDate"] = next.ToUnixTimeMilliseconds() / 1000.0;
                }

                list.Add(entry);
            }

            var answer = new JsonObject { ["SecretList"] = list };
            if (start + max < matching.Count)
            {
                answer["NextToken"] = (start + max).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return (200, answer.ToJsonString());
        }
    }

    private (int, string) BatchGet(JsonObject body)
    {
        var ids = body["SecretIdList"]?.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var hasFilters = body["Filters"] is not null;
        if ((ids is null) == !hasFilters || ids is { Count: < 1 or > 20 })
        {
            return (400, Error("InvalidParameterException", "Specify either SecretIdList (1-20) or Filters, not both."));
        }

        if (ids is null)
        {
            return (400, Error("InvalidParameterException", "filters are not used by this client"));
        }

        lock (_lock)
        {
            var values = new JsonArray();
            var errors = new JsonArray();
            foreach (var id in ids)
            {
                var (secret, code) = Find(id);
                code ??= secret is not null && SecretErrors.TryGetValue(secret.Name, out var scripted) ? scripted : null;
                if (code is not null || secret is null)
                {
                    errors.Add(new JsonObject { ["SecretId"] = id, ["ErrorCode"] = code, ["Message"] = "per-secret error SENTINEL-ERRMSG" });
                    continue;
                }

                values.Add(ValueJson(secret, secret.Versions.Single(v => v.Stages.Contains("AWSCURRENT"))));
            }

            return (200, new JsonObject { ["SecretValues"] = values, ["Errors"] = errors }.ToJsonString());
        }
    }

    private (int, string) GetSecretValue(JsonObject body)
    {
        var id = body["SecretId"]?.GetValue<string>() ?? string.Empty;
        var versionId = body["VersionId"]?.GetValue<string>();
        var stage = body["VersionStage"]?.GetValue<string>() ?? (versionId is null ? "AWSCURRENT" : null);
        lock (_lock)
        {
            var (secret, code) = Find(id);
            code ??= secret is not null && SecretErrors.TryGetValue(secret.Name, out var scripted) ? scripted : null;
            if (code is not null || secret is null)
            {
                return (400, Error(code!, "SENTINEL-ERRMSG"));
            }

            var version = secret.Versions.FirstOrDefault(v => (versionId is null || v.Id == versionId) && (stage is null || v.Stages.Contains(stage)));
            return version is null
                ? (400, Error("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: " + stage))
                : (200, ValueJson(secret, version).ToJsonString());
        }
    }

    private (FakeSecret? Secret, string? Code) Find(string id)
    {
        var secret = _secrets.Values.FirstOrDefault(s => s.Name == id || s.Arn == id)
            ?? (IsPartialArn(id) ? _secrets.Values.SingleOrDefault(s => s.Arn.Length == id.Length + 7 && s.Arn.StartsWith(id + "-", StringComparison.Ordinal)) : null);
        if (secret is null)
        {
            return (null, "ResourceNotFoundException");
        }

        return DeniedSecrets.Contains(secret.Name) ? (secret, "AccessDeniedException") : (secret, null);
    }

    /// <summary>An ARN without the hyphen and six letters or digits at its end.</summary>
    private static bool IsPartialArn(string id)
        => id.StartsWith("arn:", StringComparison.Ordinal)
            && !(id.Length > 7 && id[^7] == '-' && id[^6..].All(char.IsAsciiLetterOrDigit));

    private static List<string>? NameFilterValues(JsonObject body)
    {
        if (body["Filters"] is not JsonArray filters)
        {
            return null;
        }

        var values = filters.Where(f => f!["Key"]!.GetValue<string>() == "name").SelectMany(f => f!["Values"]!.AsArray().Select(v => v!.GetValue<string>())).ToList();
        if (values.Count > 10)
        {
            throw new InvalidOperationException("A filter takes at most 10 values.");
        }

        return values;
    }

    private static JsonObject ValueJson(FakeSecret secret, FakeVersion version)
    {
        var json = new JsonObject
        {
            ["ARN"] = secret.Arn,
            ["Name"] = secret.Name,
            ["VersionId"] = version.Id,
            ["VersionStages"] = new JsonArray([.. version.Stages.Select(s => (JsonNode)JsonValue.Create(s))]),
            ["CreatedDate"] = 1523477145.713,
        };
        if (version.Text is not null)
        {
            json["SecretString"] = version.Text;
        }
        else
        {
            json["SecretBinary"] = Convert.ToBase64String(version.Binary!);
        }

        return json;
    }

    private static string Error(string type, string message) => new JsonObject { ["__type"] = type, ["Message"] = message }.ToJsonString();

    private static Task WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        return context.Response.WriteAsync(json, Encoding.UTF8);
    }

    private sealed class FakeSecret(string name, string arn, int created)
    {
        public string Name { get; } = name;

        public string Arn { get; } = arn;

        public int Created { get; } = created;

        public List<FakeVersion> Versions { get; } = [];

        public DateTimeOffset? NextRotation { get; set; }
    }

    private sealed record FakeVersion(string Id, string? Text, byte[]? Binary, HashSet<string> Stages);
}
