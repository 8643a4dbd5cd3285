using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Http;

namespace K8sSecrets.Configuration.Google.Tests;

/// <summary>One request the fake received: its kind (list, secret, version, access) and path.</summary>
public sealed record GsmRequest(string Kind, string Path, string Query, string? Token);

/// <summary>A scripted answer replacing the normal one: a status with a google.rpc.Status body, or a raw body.</summary>
public sealed record GsmFault(int Status, string? RpcStatus = null, string? RawBody = null, int? RetryAfterSeconds = null);

/// <summary>
/// Secret Manager REST v1 on loopback (Kestrel, port 0), answering with ProtoJSON as the service
/// does (cloud-stores.md §C, §E): <c>projects/{p}/secrets</c> with label filter and paging,
/// secret and version metadata, <c>versions/{v}:access</c> with standard base64 and a decimal-string
/// CRC32C; <c>latest</c>, numbers and aliases; names carry the project number; versions can be
/// disabled or destroyed; errors are <c>{"error":{code,message,status}}</c>; every request needs
/// a bearer token the token issuer accepts. Faults, latency, held requests, corrupt and missing
/// checksums are scriptable.
/// <para>
/// Regional secrets live apart from global ones, at <c>projects/{p}/locations/{l}/secrets/...</c>, and are
/// served only by their location's endpoint <c>secretmanager.{l}.rep.googleapis.com</c> (told by the
/// request's <c>Host</c>, else by <see cref="Location"/>). The global endpoint refuses a location path with
/// 400 INVALID_ARGUMENT "does not match the expected format [projects/*/secrets/*/versions/*]"
/// (googleapis/google-cloud-python#13389, quarkiverse/quarkus-google-cloud-services#919); a regional
/// endpoint answers a global path with 404 NOT_FOUND (what issue 18 observed against the service);
/// another location's path at a regional endpoint is 404 too [inferred].
/// </para>
/// </summary>
public sealed class FakeSecretManager : IAsyncDisposable
{
    public const string Project = "payments-prod";
    public const string ProjectNumber = "123456789012";

    private readonly Func<string, bool> _acceptToken;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, FakeSecret> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<GsmFault>> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GsmHold> _holds = new(StringComparer.Ordinal);
    private LoopbackServer _server = null!;
    private int _inFlight;

    private FakeSecretManager(Func<string, bool> acceptToken) => _acceptToken = acceptToken;

    public Uri Address => _server.Address;

    public ConcurrentQueue<GsmRequest> Requests { get; } = new();

    /// <summary>Gets or sets the wait before every answer (injected latency).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets the largest page the list returns, whatever pageSize asks (small, to exercise paging).</summary>
    public int MaxPageSize { get; set; } = 2;

    /// <summary>Gets secrets whose payload is denied (the credential lacks secretmanager.versions.access).</summary>
    public HashSet<string> AccessDenied { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets a value indicating whether metadata reads are denied (a credential with secretAccessor only).</summary>
    public bool MetadataDenied { get; set; }

    /// <summary>Gets secrets whose access answers carry a wrong CRC32C.</summary>
    public HashSet<string> CorruptCrc { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets secrets whose access answers leave out <c>dataCrc32c</c> (the service never does: it stores one with every version).</summary>
    public HashSet<string> OmitCrc { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the location this endpoint serves when the request's Host is not a regional
    /// endpoint's (<see langword="null"/>: the global endpoint).</summary>
    public string? Location { get; set; }

    public int MaxInFlight { get; private set; }

    /// <summary>Gets or sets the enforced per-project quotas (none when null): see <see cref="SecretManagerQuota"/>.</summary>
    public SecretManagerQuota? Quota { get; set; }

    /// <summary>Gets or sets the answer every authenticated request gets while set (an outage), before any queued fault.</summary>
    public GsmFault? Outage { get; set; }

    public static async Task<FakeSecretManager> StartAsync(Func<string, bool> acceptToken)
    {
        var fake = new FakeSecretManager(acceptToken);
        fake._server = await LoopbackServer.StartAsync(fake.HandleAsync);
        return fake;
    }

    public int Count(string kind) => Requests.Count(r => r.Kind == kind);

    public int Count(string kind, string secret) => Requests.Count(r => r.Kind == kind && r.Path.Contains("/secrets/" + secret + "/", StringComparison.Ordinal) || (r.Kind == kind && r.Path.EndsWith("/secrets/" + secret, StringComparison.Ordinal)));

    /// <summary>Adds a version (creating the secret); returns its number.</summary>
    public int AddVersion(string secret, string value, string? location = null) => AddVersion(secret, Encoding.UTF8.GetBytes(value), location);

    /// <summary>Adds a version (creating the secret) to a global secret, or a regional one when <paramref name="location"/> is set.</summary>
    public int AddVersion(string secret, byte[] value, string? location = null)
    {
        lock (_lock)
        {
            if (!_secrets.TryGetValue(Key(location, secret), out var s))
            {
                _secrets[Key(location, secret)] = s = new FakeSecret(location);
            }

            s.Versions.Add(new FakeVersion(value));
            return s.Versions.Count;
        }
    }

    public void SetLabel(string secret, string key, string value, string? location = null)
    {
        lock (_lock)
        {
            _secrets[Key(location, secret)].Labels[key] = value;
        }
    }

    public void RemoveLabel(string secret, string key)
    {
        lock (_lock)
        {
            _secrets[Key(null, secret)].Labels.Remove(key);
        }
    }

    public void SetExpireTime(string secret, DateTimeOffset? expireTime)
    {
        lock (_lock)
        {
            _secrets[Key(null, secret)].ExpireTime = expireTime;
        }
    }

    public void SetAlias(string secret, string alias, int version)
    {
        lock (_lock)
        {
            _secrets[Key(null, secret)].Aliases[alias] = version;
        }
    }

    public void SetState(string secret, int version, string state)
    {
        lock (_lock)
        {
            _secrets[Key(null, secret)].Versions[version - 1].State = state;
        }
    }

    public void Delete(string secret)
    {
        lock (_lock)
        {
            _secrets.Remove(Key(null, secret));
        }
    }

    /// <summary>Queues faults for the next requests of a kind (list, secret, version, access, or * for any).</summary>
    public void Fail(string kind, params GsmFault[] faults)
    {
        var queue = _faults.GetOrAdd(kind, _ => new ConcurrentQueue<GsmFault>());
        foreach (var fault in faults)
        {
            queue.Enqueue(fault);
        }
    }

    /// <summary>Drops the scripted faults not yet answered.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>Holds every request of a kind (after it is recorded) until <see cref="GsmHold.Release"/> or the client gives up.</summary>
    public GsmHold Hold(string kind) => _holds.GetOrAdd(kind, _ => new GsmHold());

    public async ValueTask DisposeAsync()
    {
        foreach (var hold in _holds.Values)
        {
            hold.Release();
        }

        await _server.DisposeAsync();
    }

    private static string Key(string? location, string secret) => (location ?? string.Empty) + "/" + secret;

    /// <summary>The location of a regional endpoint's host (<c>secretmanager.{l}.rep.googleapis.com</c>), else <see langword="null"/>.</summary>
    private static string? RegionalHost(string host)
    {
        var match = System.Text.RegularExpressions.Regex.Match(host, "^secretmanager\\.([a-z][a-z0-9-]*)\\.rep\\.googleapis\\.com$");
        return match.Success ? match.Groups[1].Value : null;
    }

    private static string Crc(byte[] data) => Crc32CReference(data).ToString(CultureInfo.InvariantCulture);

    /// <summary>A bit-by-bit CRC-32C, independent of the code under test.</summary>
    private static uint Crc32CReference(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static async Task WriteError(HttpContext context, int code, string status, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json; charset=UTF-8";
        var body = new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status } };
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static async Task WriteJson(HttpContext context, JsonObject body)
    {
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        lock (_lock)
        {
            MaxInFlight = Math.Max(MaxInFlight, now);
        }

        try
        {
            if (Latency > TimeSpan.Zero)
            {
                await Task.Delay(Latency);
            }

            await RouteAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var auth = context.Request.Headers.Authorization.ToString();
        var token = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : null;
        var all = path.Split('/', StringSplitOptions.RemoveEmptyEntries);

        // Regional names put locations/{l} after the project; the rest of the routing is the same.
        string? pathLocation = all is ["v1", "projects", _, "locations", var l, ..] ? l : null;
        var segments = pathLocation is null ? all : [.. all[..3], .. all[5..]];
        var kind = segments switch
        {
            ["v1", "projects", _, "secrets"] => "list",
            ["v1", "projects", _, "secrets", _] => "secret",
            ["v1", "projects", _, "secrets", _, "versions", var v] when v.EndsWith(":access", StringComparison.Ordinal) => "access",
            ["v1", "projects", _, "secrets", _, "versions", _] => "version",
            _ => "unknown",
        };
        Requests.Enqueue(new GsmRequest(kind, path, context.Request.QueryString.Value ?? string.Empty, token));
        if (_holds.TryGetValue(kind, out var hold) && !await hold.WaitAsync(context.RequestAborted))
        {
            return;
        }

        if (context.Request.Method != "GET" || kind == "unknown")
        {
            await WriteError(context, 404, "NOT_FOUND", "The requested URL was not found on this server.");
            return;
        }

        if (token is null || !_acceptToken(token))
        {
            await WriteError(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.");
            return;
        }

        if (Quota is { } quota && !await quota.AdmitAsync(context, kind))
        {
            return;
        }

        if (Outage is { } fault || (_faults.TryGetValue(kind, out var queue) && queue.TryDequeue(out fault)) || (_faults.TryGetValue("*", out queue) && queue.TryDequeue(out fault)))
        {
            if (fault.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            if (fault.RawBody is { } raw)
            {
                context.Response.StatusCode = fault.Status;
                await context.Response.WriteAsync(raw);
                return;
            }

            await WriteError(context, fault.Status, fault.RpcStatus ?? "UNKNOWN", "scripted fault SENTINEL-MESSAGE");
            return;
        }

        if (segments[2] != Project && segments[2] != ProjectNumber)
        {
            await WriteError(context, 403, "PERMISSION_DENIED", $"Permission denied on resource project {segments[2]}.");
            return;
        }

        var served = RegionalHost(context.Request.Host.Host) ?? Location;
        if (served is null && pathLocation is not null)
        {
            await WriteError(context, 400, "INVALID_ARGUMENT", $"The provided Secret ID [{string.Join('/', all[1..])}] does not match the expected format [projects/*/secrets/*/versions/*]");
            return;
        }

        if (served is not null && pathLocation != served)
        {
            await WriteError(context, 404, "NOT_FOUND", "The requested URL was not found on this server.");
            return;
        }

        var parentName = pathLocation is null ? $"projects/{ProjectNumber}" : $"projects/{ProjectNumber}/locations/{pathLocation}";

        if (kind == "list")
        {
            await ListAsync(context, pathLocation);
            return;
        }

        var secretId = segments[4];
        FakeSecret? secret;
        lock (_lock)
        {
            _secrets.TryGetValue(Key(pathLocation, secretId), out secret);
        }

        if ((kind is "secret" or "version" && MetadataDenied) || (kind == "access" && AccessDenied.Contains(secretId)))
        {
            await WriteError(context, 403, "PERMISSION_DENIED", $"Permission 'secretmanager.versions.{kind}' denied for resource 'projects/{Project}/secrets/{secretId}' (or it may not exist).");
            return;
        }

        if (secret is null)
        {
            await WriteError(context, 404, "NOT_FOUND", $"Secret [{parentName}/secrets/{secretId}] not found or has no versions.");
            return;
        }

        var secretName = $"{parentName}/secrets/{secretId}";
        if (kind == "secret")
        {
            await WriteJson(context, SecretJson(secretId, secret));
            return;
        }

        var requested = segments[6].Replace(":access", string.Empty, StringComparison.Ordinal);
        int number;
        FakeVersion version;
        lock (_lock)
        {
            number = requested == "latest" ? secret.Versions.Count
                : int.TryParse(requested, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : secret.Aliases.TryGetValue(requested, out var aliased) ? aliased : 0;
            if (number < 1 || number > secret.Versions.Count)
            {
                version = null!;
            }
            else
            {
                version = secret.Versions[number - 1];
            }
        }

        if (version is null)
        {
            await WriteError(context, 404, "NOT_FOUND", $"Secret Version [{secretName}/versions/{requested}] not found.");
            return;
        }

        var versionName = $"{secretName}/versions/{number}";
        if (kind == "version")
        {
            await WriteJson(context, new JsonObject
            {
                ["name"] = versionName,
                ["createTime"] = "2026-01-01T00:00:00.123456789Z",
                ["state"] = version.State,
                ["etag"] = $"\"{version.State.ToLowerInvariant()}{number}\"",
                ["replicationStatus"] = new JsonObject { ["automatic"] = new JsonObject() },
            });
            return;
        }

        if (version.State != "ENABLED")
        {
            await WriteError(context, 400, "FAILED_PRECONDITION", $"Secret Version [{versionName}] is in {version.State} state.");
            return;
        }

        var payload = new JsonObject();
        if (!OmitCrc.Contains(secretId))
        {
            payload["dataCrc32c"] = CorruptCrc.Contains(secretId) ? "12345" : Crc(version.Data);
        }

        if (version.Data.Length > 0)
        {
            payload["data"] = Convert.ToBase64String(version.Data);
        }

        await WriteJson(context, new JsonObject { ["name"] = versionName, ["payload"] = payload });
    }

    private JsonObject SecretJson(string id, FakeSecret secret)
    {
        lock (_lock)
        {
            var json = new JsonObject
            {
                ["name"] = secret.Location is null ? $"projects/{ProjectNumber}/secrets/{id}" : $"projects/{ProjectNumber}/locations/{secret.Location}/secrets/{id}",
                ["replication"] = new JsonObject { ["automatic"] = new JsonObject() },
                ["createTime"] = "2026-01-01T00:00:00.5Z",
                ["labels"] = new JsonObject(secret.Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value))),
                ["etag"] = "\"16151a2f0e8b3f\"",
                ["versionAliases"] = new JsonObject(secret.Aliases.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value.ToString(CultureInfo.InvariantCulture)))),
            };
            if (secret.ExpireTime is { } expire)
            {
                json["expireTime"] = expire.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);
            }

            return json;
        }
    }

    private async Task ListAsync(HttpContext context, string? location)
    {
        var filter = context.Request.Query["filter"].ToString();
        var pageSize = int.TryParse(context.Request.Query["pageSize"], out var size) && size > 0 ? Math.Min(size, MaxPageSize) : MaxPageSize;
        var offset = int.TryParse(context.Request.Query["pageToken"], out var start) ? start : 0;
        (string Key, string Value)? label = null;
        if (filter.Length > 0)
        {
            var match = System.Text.RegularExpressions.Regex.Match(filter, "^labels\\.([a-z0-9_-]+)[=:]([a-z0-9_-]*)$");
            if (!match.Success)
            {
                await WriteError(context, 400, "INVALID_ARGUMENT", "Invalid filter.");
                return;
            }

            label = (match.Groups[1].Value, match.Groups[2].Value);
        }

        List<JsonNode> page;
        bool more;
        lock (_lock)
        {
            // Newest first, as the service lists.
            var matching = _secrets.Reverse()
                .Where(s => s.Value.Location == location)
                .Where(s => label is not { } l || (s.Value.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
                .ToList();
            page = [.. matching.Skip(offset).Take(pageSize).Select(s => (JsonNode)SecretJson(s.Key[(s.Key.IndexOf('/', StringComparison.Ordinal) + 1)..], s.Value))];
            more = offset + pageSize < matching.Count;
        }

        var body = new JsonObject { ["secrets"] = new JsonArray([.. page]), ["totalSize"] = page.Count };
        if (more)
        {
            body["nextPageToken"] = (offset + pageSize).ToString(CultureInfo.InvariantCulture);
        }

        await WriteJson(context, body);
    }

    private sealed class FakeSecret(string? location)
    {
        public string? Location { get; } = location;

        public List<FakeVersion> Versions { get; } = [];

        public Dictionary<string, string> Labels { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> Aliases { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? ExpireTime { get; set; }
    }

    private sealed class FakeVersion(byte[] data)
    {
        public byte[] Data { get; } = data;

        public string State { get; set; } = "ENABLED";
    }
}
