using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace K8sSecrets.Configuration.Testing;

/// <summary>One request the fake Vault received.</summary>
public sealed record VaultRequest(string Method, string Path, string Query, string? Token, string? Namespace, string Body);

/// <summary>A scripted answer that replaces the normal one.</summary>
public sealed record VaultFault(int Status, string Body, int? RetryAfterSeconds = null, string? Location = null)
{
    /// <summary>Gets further response headers (a rate-limit quota's <c>X-Ratelimit-*</c>), or null.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
}

/// <summary>
/// A small Vault on loopback (Kestrel, port 0) that answers with the JSON shapes of Vault's API
/// documentation: KV v1/v2 (with versions and deletes), mount lookup, Kubernetes and AppRole
/// login, token lookup/renewal with max-TTL capping, response unwrapping, dynamic credentials with
/// leases, lease renew/revoke, sealing, and scripted faults. Expiry follows the test's clock.
/// </summary>
public sealed class FakeVault : IAsyncDisposable
{
    private readonly TimeProvider _clock;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Type, string? Version)> _mounts = new(StringComparer.Ordinal)
    {
        ["secret/"] = ("kv", "2"),
        ["kv/"] = ("kv", "1"),
        ["database/"] = ("database", null),
    };

    private readonly Dictionary<string, List<Kv2Version>> _kv2 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _kv1 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _wrapped = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<VaultFault>> _faults = new(StringComparer.Ordinal);
    private int _serial;
    private LoopbackServer _server = null!;

    private FakeVault(TimeProvider clock)
    {
        _clock = clock;
    }

    public Uri Address => _server.Address;

    public ConcurrentQueue<VaultRequest> Requests { get; } = new();

    public bool Sealed { get; set; }

    public HashSet<string> DeniedPaths { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets a rate-limit quota every request counts against (after scripted faults, before the seal); null for none, Vault's default.</summary>
    public VaultRateLimitQuota? RateLimitQuota { get; set; }

    public TimeSpan TokenTtl { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan TokenMaxTtl { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan LeaseTtl { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan LeaseMaxTtl { get; set; } = TimeSpan.FromHours(2);

    public bool LeasesRenewable { get; set; } = true;

    public string KubernetesRole { get; set; } = "payments";

    public List<string> JwtsSeen { get; } = [];

    public string AppRoleId { get; set; } = "role-id-1";

    public string AppRoleSecretId { get; set; } = "secret-id-1";

    public string? LastClientCertificateSubject { get; private set; }

    /// <summary>
    /// Gets or sets the database behind <c>database/creds/&lt;role&gt;</c>. When set, each read creates a
    /// real role there (a new user and a random password per lease) and revoking the lease (or its
    /// expiry, through <see cref="RevokeExpiredLeases"/>) drops it, as Vault's database engine does.
    /// </summary>
    public IVaultDatabase? Database { get; set; }

    public static async Task<FakeVault> StartAsync(TimeProvider clock, X509Certificate2? serverCertificate = null, X509Certificate2Collection? servedChain = null)
    {
        var vault = new FakeVault(clock);
        vault._server = await LoopbackServer.StartAsync(vault.HandleAsync, serverCertificate is null ? null : listen => listen.UseHttps(https =>
        {
            https.ServerCertificate = serverCertificate;
            https.ServerCertificateChain = servedChain;
            https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
            https.AllowAnyClientCertificate();
        }));
        return vault;
    }

    public int Count(string path) => Requests.Count(r => r.Path == path);

    public int CountStartingWith(string prefix) => Requests.Count(r => r.Path.StartsWith(prefix, StringComparison.Ordinal));

    public void PutKv2(string path, string json)
    {
        lock (_lock)
        {
            if (!_kv2.TryGetValue(path, out var versions))
            {
                _kv2[path] = versions = [];
            }

            versions.Add(new Kv2Version(JsonNode.Parse(json)!.AsObject(), _clock.GetUtcNow()));
        }
    }

    /// <summary>
    /// Puts a KV v2 secret in another KV v2 mount than <c>secret/</c>, mounting it first, for example
    /// a nested <c>kv/team-a</c>: it is then read at <c>kv/team-a/data/{path}</c>.
    /// </summary>
    public void PutKv2At(string mount, string path, string json)
    {
        lock (_lock)
        {
            _mounts[mount + "/"] = ("kv", "2");
        }

        PutKv2(mount == "secret" ? path : mount + "/" + path, json);
    }

    public void DeleteLatestKv2(string path, bool destroy = false)
    {
        lock (_lock)
        {
            var latest = _kv2[path][^1];
            latest.DeletedAt = _clock.GetUtcNow();
            latest.Destroyed = destroy;
        }
    }

    public void PutKv1(string path, string json)
    {
        lock (_lock)
        {
            _kv1[path] = JsonNode.Parse(json)!.AsObject();
        }
    }

    /// <summary>Issues a token directly, as <c>vault token create</c> would.</summary>
    public string CreateToken(string token, TimeSpan ttl, TimeSpan maxTtl, bool renewable = true)
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            _tokens[token] = new IssuedToken(ttl, now + maxTtl, renewable) { ExpiresAt = now + ttl };
        }

        return token;
    }

    public void RevokeToken(string token)
    {
        lock (_lock)
        {
            _tokens.Remove(token);
        }
    }

    public IReadOnlyList<string> LiveTokens()
    {
        lock (_lock)
        {
            return [.. _tokens.Keys];
        }
    }

    /// <summary>Wraps a secret_id, as <c>vault write -wrap-ttl=60s -f auth/approle/role/x/secret-id</c> would.</summary>
    public string WrapSecretId(string wrappingToken)
    {
        lock (_lock)
        {
            _wrapped[wrappingToken] = AppRoleSecretId;
        }

        return wrappingToken;
    }

    public (string Id, DateTimeOffset ExpiresAt, bool Revoked)[] Leases()
    {
        lock (_lock)
        {
            return [.. _leases.Select(l => (l.Key, l.Value.ExpiresAt, l.Value.Revoked))];
        }
    }

    /// <summary>The database credentials issued so far (with <see cref="Database"/> set), for sentinel checks.</summary>
    public IReadOnlyList<(string Username, string Password)> DatabaseCredentials()
    {
        lock (_lock)
        {
            return [.. _leases.Values.Where(l => l.Username is not null).Select(l => (l.Username!, l.Password!))];
        }
    }

    /// <summary>Revokes every lease past its expiry on the fake's clock, as Vault's expiration manager does; returns how many.</summary>
    public int RevokeExpiredLeases()
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            var expired = _leases.Values.Where(l => !l.Revoked && l.ExpiresAt <= now).ToArray();
            foreach (var lease in expired)
            {
                Revoke(lease);
            }

            return expired.Length;
        }
    }

    /// <summary>Makes the next answer(s) for <paramref name="path"/> a scripted fault.</summary>
    public void Fail(string path, VaultFault fault, int times = 1)
    {
        var queue = _faults.GetOrAdd(path, _ => new ConcurrentQueue<VaultFault>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(fault);
        }
    }

    public void ClearFaults() => _faults.Clear();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value!.StartsWith("/v1/", StringComparison.Ordinal) ? request.Path.Value[4..] : request.Path.Value;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        LastClientCertificateSubject = context.Connection.ClientCertificate?.Subject ?? LastClientCertificateSubject;
        var token = request.Headers.TryGetValue("X-Vault-Token", out var t) ? t.ToString() : null;
        var ns = request.Headers.TryGetValue("X-Vault-Namespace", out var n) ? n.ToString() : null;
        Requests.Enqueue(new VaultRequest(request.Method, path, request.QueryString.Value ?? string.Empty, token, ns, body));

        if (_faults.TryGetValue(path, out var queue) && queue.TryDequeue(out var fault))
        {
            await WriteFaultAsync(context, fault);
            return;
        }

        if (RateLimitQuota?.Admit(path) is { } throttled)
        {
            await WriteFaultAsync(context, throttled);
            return;
        }

        if (Sealed)
        {
            await WriteAsync(context, 503, """{"errors":["Vault is sealed"]}""");
            return;
        }

        var (status, json) = Answer(request.Method, path, request.Query, token, body);
        await WriteAsync(context, status, json);
    }

    private static async Task WriteFaultAsync(HttpContext context, VaultFault fault)
    {
        if (fault.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (fault.Location is { } location)
        {
            context.Response.Headers.Location = location;
        }

        foreach (var (name, value) in fault.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        await WriteAsync(context, fault.Status, fault.Body);
    }

    private static Task WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        if (status == 204)
        {
            return Task.CompletedTask;
        }

        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    private (int Status, string Json) Answer(string method, string path, IQueryCollection query, string? token, string body)
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            if (path.StartsWith("auth/kubernetes/login", StringComparison.Ordinal) && method == "POST")
            {
                return KubernetesLogin(body, token);
            }

            if (path == "auth/approle/login" && method == "POST")
            {
                return AppRoleLogin(body, token);
            }

            if (path == "sys/wrapping/unwrap" && method == "POST")
            {
                return Unwrap(token, body);
            }

            if (token is null || !_tokens.TryGetValue(token, out var session) || session.ExpiresAt <= now)
            {
                return (403, """{"errors":["permission denied"]}""");
            }

            if (path == "auth/token/lookup-self")
            {
                return (200, Envelope(new JsonObject
                {
                    ["accessor"] = "8609694a-cdbc-db9b-d345-e782dbb562ed",
                    ["creation_ttl"] = (long)session.Ttl.TotalSeconds,
                    ["display_name"] = "token",
                    ["expire_time"] = session.ExpiresAt.ToString("O"),
                    ["explicit_max_ttl"] = 0,
                    ["id"] = token,
                    ["policies"] = new JsonArray("default", "payments"),
                    ["renewable"] = session.Renewable,
                    ["ttl"] = (long)(session.ExpiresAt - now).TotalSeconds,
                }));
            }

            if (path == "auth/token/renew-self" && method == "POST")
            {
                return RenewSelf(token, session, body, now);
            }

            if (path == "sys/leases/renew" && method is "POST" or "PUT")
            {
                return RenewLease(body, now);
            }

            if (path == "sys/leases/revoke" && method is "POST" or "PUT")
            {
                var id = JsonNode.Parse(body)!["lease_id"]!.GetValue<string>();
                if (_leases.TryGetValue(id, out var lease))
                {
                    Revoke(lease);
                }

                return (204, string.Empty);
            }

            if (DeniedPaths.Contains(path))
            {
                return (403, """{"errors":["1 error occurred:\n\t* permission denied\n\n"]}""");
            }

            if (path.StartsWith("sys/internal/ui/mounts/", StringComparison.Ordinal))
            {
                var target = path["sys/internal/ui/mounts/".Length..] + "/";
                foreach (var (mount, (type, version)) in _mounts)
                {
                    if (target.StartsWith(mount, StringComparison.Ordinal))
                    {
                        var options = version is null ? null : new JsonObject { ["version"] = version };
                        return (200, Envelope(new JsonObject { ["path"] = mount, ["type"] = type, ["options"] = options, ["description"] = "" }));
                    }
                }

                return (403, """{"errors":["permission denied"]}""");
            }

            if (path.StartsWith("secret/metadata/", StringComparison.Ordinal))
            {
                return ReadKv2Metadata(path["secret/metadata/".Length..]);
            }

            if (path.StartsWith("secret/data/", StringComparison.Ordinal))
            {
                return ReadKv2(path["secret/data/".Length..], query);
            }

            foreach (var (mount, (type, version)) in _mounts)
            {
                if (mount != "secret/" && type == "kv" && version == "2" && path.StartsWith(mount + "data/", StringComparison.Ordinal))
                {
                    return ReadKv2(mount + path[(mount.Length + "data/".Length)..], query);
                }
            }

            if (path.StartsWith("database/creds/", StringComparison.Ordinal))
            {
                return IssueCredentials(path, token, now);
            }

            if (_kv1.TryGetValue(path, out var kv1))
            {
                return (200, Envelope(kv1.DeepClone(), leaseDuration: 3600));
            }

            return (404, """{"errors":[]}""");
        }
    }

    private (int, string) KubernetesLogin(string body, string? token)
    {
        if (token is not null)
        {
            return (400, """{"errors":["a login must not carry a token"]}""");
        }

        var request = JsonNode.Parse(body)!;
        var role = request["role"]?.GetValue<string>();
        var jwt = request["jwt"]?.GetValue<string>();
        if (role != KubernetesRole)
        {
            return (400, $$"""{"errors":["invalid role name \"{{role}}\""]}""");
        }

        if (string.IsNullOrEmpty(jwt))
        {
            return (400, """{"errors":["missing jwt"]}""");
        }

        JwtsSeen.Add(jwt);
        return Login(new JsonObject
        {
            ["role"] = role,
            ["service_account_name"] = "vault-auth",
            ["service_account_namespace"] = "default",
        });
    }

    private (int, string) AppRoleLogin(string body, string? token)
    {
        if (token is not null)
        {
            return (400, """{"errors":["a login must not carry a token"]}""");
        }

        var request = JsonNode.Parse(body)!;
        if (request["role_id"]?.GetValue<string>() != AppRoleId || request["secret_id"]?.GetValue<string>() != AppRoleSecretId)
        {
            return (400, """{"errors":["invalid role or secret ID"]}""");
        }

        return Login(null);
    }

    private (int, string) Login(JsonObject? metadata)
    {
        var token = $"hvs.issued-{Interlocked.Increment(ref _serial)}";
        var now = _clock.GetUtcNow();
        _tokens[token] = new IssuedToken(TokenTtl, now + TokenMaxTtl, true) { ExpiresAt = now + TokenTtl };
        var auth = new JsonObject
        {
            ["client_token"] = token,
            ["accessor"] = "afa306d0-be3d-c8d2-b0d7-2676e1c0d9b4",
            ["policies"] = new JsonArray("default"),
            ["token_policies"] = new JsonArray("default"),
            ["metadata"] = metadata,
            ["lease_duration"] = (long)TokenTtl.TotalSeconds,
            ["renewable"] = true,
        };
        return (200, new JsonObject
        {
            ["request_id"] = Guid.NewGuid().ToString(),
            ["lease_id"] = "",
            ["renewable"] = false,
            ["lease_duration"] = 0,
            ["data"] = null,
            ["wrap_info"] = null,
            ["warnings"] = null,
            ["auth"] = auth,
        }.ToJsonString());
    }

    private (int, string) Unwrap(string? token, string body)
    {
        if (token is null || !_wrapped.Remove(token, out var secretId) || body.Length > 0)
        {
            // A wrapping token works once; a body beside it would spend it twice.
            if (token is not null)
            {
                _wrapped.Remove(token);
            }

            return (400, """{"errors":["wrapping token is not valid or does not exist"]}""");
        }

        return (200, new JsonObject
        {
            ["request_id"] = "8e33c808-f86c-cff8-f30a-fbb3ac22c4a8",
            ["lease_id"] = "",
            ["lease_duration"] = 0,
            ["renewable"] = false,
            ["data"] = new JsonObject { ["secret_id"] = secretId, ["secret_id_accessor"] = "84896a0c-1347-aa90-a4f6-aca8b7558780" },
            ["warnings"] = null,
        }.ToJsonString());
    }

    private (int, string) RenewSelf(string token, IssuedToken session, string body, DateTimeOffset now)
    {
        if (!session.Renewable)
        {
            return (400, """{"errors":["lease is not renewable"]}""");
        }

        var remaining = session.MaxExpiresAt - now;
        if (remaining <= TimeSpan.Zero)
        {
            return (400, """{"errors":["past the max TTL, cannot renew"]}""");
        }

        var increment = session.Ttl;
        var requested = JsonNode.Parse(body.Length > 0 ? body : "{}")!["increment"]?.GetValue<string>();
        if (requested is { Length: > 1 } && requested.EndsWith('s') && long.TryParse(requested[..^1], out var seconds))
        {
            increment = TimeSpan.FromSeconds(seconds);
        }

        JsonArray? warnings = null;
        if (increment > remaining)
        {
            warnings = new JsonArray($"TTL of \"{increment.TotalSeconds}s\" exceeded the effective max_ttl of \"{(long)remaining.TotalSeconds}s\"; TTL value is capped accordingly");
            increment = remaining;
        }

        session.ExpiresAt = now + increment;
        return (200, new JsonObject
        {
            ["request_id"] = Guid.NewGuid().ToString(),
            ["lease_id"] = "",
            ["renewable"] = false,
            ["lease_duration"] = 0,
            ["data"] = null,
            ["warnings"] = warnings,
            ["auth"] = new JsonObject
            {
                ["client_token"] = token,
                ["policies"] = new JsonArray("web", "stage"),
                ["metadata"] = new JsonObject { ["user"] = "armon" },
                ["lease_duration"] = (long)increment.TotalSeconds,
                ["renewable"] = true,
            },
        }.ToJsonString());
    }

    private (int, string) ReadKv2(string path, IQueryCollection query)
    {
        if (!_kv2.TryGetValue(path, out var versions))
        {
            return (404, """{"errors":[]}""");
        }

        var number = query.TryGetValue("version", out var v) && int.TryParse(v, out var pinned) && pinned > 0 ? pinned : versions.Count;
        if (number > versions.Count)
        {
            return (404, """{"errors":[]}""");
        }

        var version = versions[number - 1];
        var metadata = new JsonObject
        {
            ["created_time"] = version.CreatedAt.ToString("O"),
            ["custom_metadata"] = null,
            ["deletion_time"] = version.DeletedAt?.ToString("O") ?? "",
            ["destroyed"] = version.Destroyed,
            ["version"] = number,
        };
        var deleted = version.DeletedAt is not null;
        var json = new JsonObject
        {
            ["request_id"] = "9df408d9-4453-c953-0cc6-30fff07bf181",
            ["lease_id"] = "",
            ["renewable"] = false,
            ["lease_duration"] = 0,
            ["data"] = new JsonObject { ["data"] = deleted ? null : version.Data.DeepClone(), ["metadata"] = metadata },
            ["wrap_info"] = null,
            ["warnings"] = null,
            ["auth"] = null,
            ["mount_type"] = "kv",
        }.ToJsonString();
        return (deleted ? 404 : 200, json);
    }

    private (int, string) ReadKv2Metadata(string path)
    {
        if (!_kv2.TryGetValue(path, out var versions))
        {
            return (404, """{"errors":[]}""");
        }

        var all = new JsonObject();
        for (var i = 0; i < versions.Count; i++)
        {
            all[(i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["created_time"] = versions[i].CreatedAt.ToString("O"),
                ["deletion_time"] = versions[i].DeletedAt?.ToString("O") ?? "",
                ["destroyed"] = versions[i].Destroyed,
            };
        }

        return (200, Envelope(new JsonObject
        {
            ["cas_required"] = false,
            ["created_time"] = versions[0].CreatedAt.ToString("O"),
            ["current_version"] = versions.Count,
            ["delete_version_after"] = "0s",
            ["max_versions"] = 0,
            ["oldest_version"] = 0,
            ["updated_time"] = versions[^1].CreatedAt.ToString("O"),
            ["custom_metadata"] = null,
            ["versions"] = all,
        }));
    }

    private void Revoke(Lease lease)
    {
        if (!lease.Revoked && lease.Username is not null)
        {
            Database?.DropRole(lease.Username);
        }

        lease.Revoked = true;
    }

    private (int, string) IssueCredentials(string path, string token, DateTimeOffset now)
    {
        var serial = Interlocked.Increment(ref _serial);
        var id = $"{path}/lease-{serial}";
        var (username, password) = ($"v-root-readonly-{serial}", $"pw-{serial}");
        if (Database is { } database)
        {
            // Vault's database engine: a new role per lease, named after the role, with a random password.
            (username, password) = ($"v-k8s-{path["database/creds/".Length..]}-{serial}", "A1a-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)));
            database.CreateRole(username, password, LeaseMaxTtl);
        }

        _leases[id] = new Lease(token, now + LeaseMaxTtl)
        {
            ExpiresAt = now + LeaseTtl,
            Ttl = LeaseTtl,
            Username = Database is null ? null : username,
            Password = Database is null ? null : password,
        };
        return (200, new JsonObject
        {
            ["request_id"] = "303d63bd-e2f3-cfcd-75c1-1c18af2d26a8",
            ["lease_id"] = id,
            ["renewable"] = LeasesRenewable,
            ["lease_duration"] = (long)LeaseTtl.TotalSeconds,
            ["data"] = new JsonObject { ["username"] = username, ["password"] = password },
            ["wrap_info"] = null,
            ["warnings"] = null,
            ["auth"] = null,
        }.ToJsonString());
    }

    private (int, string) RenewLease(string body, DateTimeOffset now)
    {
        var request = JsonNode.Parse(body)!;
        var id = request["lease_id"]!.GetValue<string>();
        if (!_leases.TryGetValue(id, out var lease) || lease.Revoked || lease.ExpiresAt <= now)
        {
            return (400, """{"errors":["lease not found"]}""");
        }

        if (!LeasesRenewable)
        {
            return (400, """{"errors":["lease is not renewable"]}""");
        }

        var increment = request["increment"] is { } inc ? TimeSpan.FromSeconds(inc.GetValue<long>()) : lease.Ttl;
        var remaining = lease.MaxExpiresAt - now;
        var granted = increment < remaining ? increment : remaining;
        lease.ExpiresAt = now + granted;
        return (200, new JsonObject
        {
            ["request_id"] = Guid.NewGuid().ToString(),
            ["lease_id"] = id,
            ["renewable"] = true,
            ["lease_duration"] = (long)granted.TotalSeconds,
            ["data"] = null,
            ["warnings"] = granted < increment ? new JsonArray("TTL of lease capped by max_ttl") : null,
        }.ToJsonString());
    }

    private static string Envelope(JsonNode data, long leaseDuration = 0) => new JsonObject
    {
        ["request_id"] = Guid.NewGuid().ToString(),
        ["lease_id"] = "",
        ["renewable"] = false,
        ["lease_duration"] = leaseDuration,
        ["data"] = data,
        ["wrap_info"] = null,
        ["warnings"] = null,
        ["auth"] = null,
    }.ToJsonString();

    private sealed class Kv2Version(JsonObject data, DateTimeOffset createdAt)
    {
        public JsonObject Data { get; } = data;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public DateTimeOffset? DeletedAt { get; set; }

        public bool Destroyed { get; set; }
    }

    private sealed class IssuedToken(TimeSpan ttl, DateTimeOffset maxExpiresAt, bool renewable)
    {
        public TimeSpan Ttl { get; } = ttl;

        public DateTimeOffset MaxExpiresAt { get; } = maxExpiresAt;

        public bool Renewable { get; } = renewable;

        public DateTimeOffset ExpiresAt { get; set; }
    }

    private sealed class Lease(string token, DateTimeOffset maxExpiresAt)
    {
        public string Token { get; } = token;

        public DateTimeOffset MaxExpiresAt { get; } = maxExpiresAt;

        public DateTimeOffset ExpiresAt { get; set; }

        public TimeSpan Ttl { get; set; }

        public bool Revoked { get; set; }

        public string? Username { get; init; }

        public string? Password { get; init; }
    }
}
