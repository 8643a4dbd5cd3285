using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using K8sSecrets.Configuration.Testing;
using Microsoft.AspNetCore.Http;

namespace K8sSecrets.Configuration.Azure.Tests;

/// <summary>One request the fake vault received (never its token).</summary>
public sealed record KeyVaultRequest(string Method, string Path, string Query, bool HadAuthorization)
{
    public bool IsList => Path.TrimEnd('/') == "/secrets";

    public bool IsGet => !IsList && Path.StartsWith("/secrets/", StringComparison.Ordinal);
}

/// <summary>A scripted answer that replaces the normal one.</summary>
public sealed record KeyVaultFault(int Status, string Body, int? RetryAfterSeconds = null);

/// <summary>
/// A small Azure Key Vault on https loopback (Kestrel, port 0, a self-signed certificate) that speaks
/// the REST API <c>SecretClient</c> uses: the bearer challenge (401 + <c>WWW-Authenticate</c>) for
/// requests without a valid token, <c>GET /secrets</c> with <c>maxresults</c> and absolute
/// <c>nextLink</c> paging, <c>GET /secrets/{name}/[{version}]</c>, attributes in Unix seconds from the
/// test's clock, 403 on disabled secrets and denied identities, 404 on missing ones, scripted faults
/// (429 with <c>Retry-After</c>), injected latency and a request log.
/// </summary>
public sealed class FakeKeyVault : IAsyncDisposable
{
    public const string Tenant = "11111111-2222-3333-4444-555555555555";
    public const string Challenge = $"Bearer authorization=\"https://login.microsoftonline.com/{Tenant}\", resource=\"https://vault.azure.net\"";

    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Version>> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<KeyVaultFault>> _faults = new(StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<int> s_ports = [];

    private LoopbackServer _server = null!;
    private int _inFlight;

    private FakeKeyVault(TimeProvider clock) => _clock = clock;

    public Uri Address => _server.Address;

    public ConcurrentQueue<KeyVaultRequest> Requests { get; } = new();

    /// <summary>Gets or sets the delay added to every answer (real time, for the probe).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets a per-secret extra delay, to reorder completions.</summary>
    public Func<string, TimeSpan>? SecretLatency { get; set; }

    /// <summary>Gets or sets whether listing is denied (403), as for an identity with 'get' only.</summary>
    public bool DenyList { get; set; }

    public HashSet<string> DeniedSecrets { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the answer every authorized request gets while set (an outage), before any queued fault.</summary>
    public KeyVaultFault? Outage { get; set; }

    /// <summary>Gets or sets the vault's enforced transaction limit (none when null): see <see cref="KeyVaultQuota"/>.</summary>
    public KeyVaultQuota? Quota { get; set; }

    public int MaxInFlight { get; private set; }

    public int ListCount => Requests.Count(r => r.IsList && r.HadAuthorization);

    public int GetCount => Requests.Count(r => r.IsGet && r.HadAuthorization);

    /// <summary>
    /// Starts a vault on a port no vault of this process had before: the real client caches each authority's
    /// bearer challenge process-wide, so a vault on a reused port would never see the unauthenticated first
    /// request (the fleet tests start dozens of vaults, and the operating system may hand a port out again).
    /// </summary>
    public static async Task<FakeKeyVault> StartAsync(TimeProvider clock)
    {
        for (var attempt = 0; ; attempt++)
        {
            var vault = new FakeKeyVault(clock);
            vault._server = await LoopbackServer.StartAsync(vault.HandleAsync, LoopbackServer.Https(TestCertificate.Certificate));
            lock (s_ports)
            {
                if (s_ports.Add(vault.Address.Port) || attempt == 20)
                {
                    return vault;
                }
            }

            await vault.DisposeAsync();
        }
    }

    public int Gets(string name) => Requests.Count(r => r.IsGet && r.HadAuthorization
        && (r.Path.Equals($"/secrets/{name}", StringComparison.OrdinalIgnoreCase) || r.Path.StartsWith($"/secrets/{name}/", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Sets a secret: a new current version, <c>updated</c> = now on the test clock.</summary>
    public string Put(string name, string value, string? contentType = null, bool enabled = true, DateTimeOffset? expires = null, DateTimeOffset? notBefore = null)
    {
        lock (_lock)
        {
            if (!_secrets.TryGetValue(name, out var versions))
            {
                _secrets[name] = versions = [];
            }

            var now = _clock.GetUtcNow().ToUnixTimeSeconds();
            var version = new Version(Guid.NewGuid().ToString("N"), value, contentType, now)
            {
                Enabled = enabled,
                Expires = expires?.ToUnixTimeSeconds(),
                NotBefore = notBefore?.ToUnixTimeSeconds(),
                Updated = now,
            };
            versions.Add(version);
            return version.Id;
        }
    }

    /// <summary>Enables or disables the current version (an attribute update: <c>updated</c> moves).</summary>
    public void SetEnabled(string name, bool enabled)
    {
        lock (_lock)
        {
            var current = _secrets[name][^1];
            current.Enabled = enabled;
            current.Updated = _clock.GetUtcNow().ToUnixTimeSeconds();
        }
    }

    public void Delete(string name)
    {
        lock (_lock)
        {
            _secrets.Remove(name);
        }
    }

    /// <summary>Makes the next answer(s) to <c>list</c> or to a GET of secret <paramref name="target"/> a scripted fault.</summary>
    public void Fail(string target, KeyVaultFault fault, int times = 1)
    {
        var queue = _faults.GetOrAdd(target, _ => new ConcurrentQueue<KeyVaultFault>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(fault);
        }
    }

    /// <summary>Drops the scripted faults not yet answered.</summary>
    public void ClearFaults() => _faults.Clear();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        var authorized = authorization == "Bearer " + FakeCredential.Token;
        var entry = new KeyVaultRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty, authorized);
        Requests.Enqueue(entry);
        var inFlight = Interlocked.Increment(ref _inFlight);
        lock (_lock)
        {
            MaxInFlight = Math.Max(MaxInFlight, inFlight);
        }

        try
        {
            if (Latency > TimeSpan.Zero)
            {
                await Task.Delay(Latency);
            }

            if (!authorized)
            {
                // The challenge: the SDK sends its first request without a token and learns the scope here.
                context.Response.StatusCode = 401;
                context.Response.Headers.WWWAuthenticate = Challenge;
                await Error(context, 401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
                return;
            }

            if (string.IsNullOrEmpty(request.Query["api-version"]))
            {
                await Error(context, 400, "BadParameter", "The 'api-version' query parameter is required.");
                return;
            }

            if (Quota is { } quota && !await quota.AdmitAsync(context))
            {
                return;
            }

            var segments = entry.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (request.Method != "GET" || segments is not ["secrets", ..] || segments.Length > 3)
            {
                await Error(context, 404, "NotFound", "No such operation.");
                return;
            }

            var target = segments.Length == 1 ? "list" : segments[1];
            if (Outage is { } fault || (_faults.TryGetValue(target, out var queue) && queue.TryDequeue(out fault)))
            {
                context.Response.StatusCode = fault.Status;
                if (fault.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                }

                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.WriteAsync(fault.Body);
                return;
            }

            if (segments.Length == 1)
            {
                await ListAsync(context);
            }
            else
            {
                if (SecretLatency?.Invoke(segments[1]) is { } extra && extra > TimeSpan.Zero)
                {
                    await Task.Delay(extra);
                }

                await GetAsync(context, segments[1], segments.Length == 3 ? segments[2] : null);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task ListAsync(HttpContext context)
    {
        if (DenyList)
        {
            await Error(context, 403, "Forbidden", "Caller is not authorized to perform action on resource. SENTINEL-BODY Action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'");
            return;
        }

        var query = context.Request.Query;
        var pageSize = int.TryParse(query["maxresults"], out var max) && max is > 0 and <= 25 ? max : 25;
        var skip = int.TryParse(query["$skiptoken"], out var token) ? token : 0;
        JsonArray items = [];
        int total;
        lock (_lock)
        {
            var names = _secrets.Keys.Order(StringComparer.OrdinalIgnoreCase).ToList();
            total = names.Count;
            foreach (var name in names.Skip(skip).Take(pageSize))
            {
                var current = _secrets[name][^1];
                var item = new JsonObject { ["id"] = $"{Address}secrets/{name}", ["attributes"] = current.Attributes(), ["tags"] = new JsonObject() };
                if (current.ContentType is not null)
                {
                    item["contentType"] = current.ContentType;
                }

                items.Add(item);
            }
        }

        var body = new JsonObject { ["value"] = items };
        body["nextLink"] = skip + pageSize < total
            ? $"{Address}secrets?api-version={query["api-version"]}&$skiptoken={skip + pageSize}&maxresults={pageSize}"
            : null;
        await Json(context, 200, body);
    }

    private async Task GetAsync(HttpContext context, string name, string? version)
    {
        Version? found;
        lock (_lock)
        {
            found = _secrets.TryGetValue(name, out var versions)
                ? string.IsNullOrEmpty(version) ? versions[^1] : versions.Find(v => v.Id == version)
                : null;
        }

        if (DeniedSecrets.Contains(name))
        {
            await Error(context, 403, "Forbidden", $"The user does not have secrets get permission on key vault. SENTINEL-BODY {name}");
            return;
        }

        if (found is null)
        {
            await Error(context, 404, "SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault.");
            return;
        }

        if (!found.Enabled)
        {
            var disabled = new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["code"] = "Forbidden",
                    ["message"] = "Operation get is not allowed on a disabled secret.",
                    ["innererror"] = new JsonObject { ["code"] = "SecretDisabled" },
                },
            };
            await Json(context, 403, disabled);
            return;
        }

        var body = new JsonObject { ["value"] = found.Value, ["id"] = $"{Address}secrets/{name}/{found.Id}", ["attributes"] = found.Attributes() };
        if (found.ContentType is not null)
        {
            body["contentType"] = found.ContentType;
        }

        await Json(context, 200, body);
    }

    private static Task Error(HttpContext context, int status, string code, string message)
        => Json(context, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private static async Task Json(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private sealed class Version(string id, string value, string? contentType, long created)
    {
        public string Id { get; } = id;

        public string Value { get; } = value;

        public string? ContentType { get; } = contentType;

        public bool Enabled { get; set; } = true;

        public long? Expires { get; set; }

        public long? NotBefore { get; set; }

        public long Updated { get; set; }

        public JsonObject Attributes()
        {
            var attributes = new JsonObject
            {
                ["enabled"] = Enabled,
                ["created"] = created,
                ["updated"] = Updated,
                ["recoveryLevel"] = "Recoverable+Purgeable",
                ["recoverableDays"] = 90,
            };
            if (Expires is { } exp)
            {
                attributes["exp"] = exp;
            }

            if (NotBefore is { } nbf)
            {
                attributes["nbf"] = nbf;
            }

            return attributes;
        }
    }
}
