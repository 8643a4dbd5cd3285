using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A fake Kubernetes API server on loopback (Kestrel, real HTTP/1.1, chunked watch streams) that
/// serves <c>/api/v1/namespaces/{ns}/secrets</c> list and watch with real Secret JSON, a global
/// resourceVersion, field and label selectors, bookmarks, history for resumed watches and 410
/// expiry, plus scripted faults.
/// </summary>
public sealed class FakeKubeApi : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Ns, string Name), Stored> _secrets = [];
    private readonly List<(long Rv, Stored? Old, Stored? New)> _history = [];
    private readonly List<WatchStream> _watches = [];
    private long _rv = 1000;
    private long _compactedAt;
    private int _silentWatches;
    private bool _holdEvents;

    private LoopbackServer _server = null!;

    private FakeKubeApi()
    {
    }

    public Uri Uri => _server.Address;

    public ConcurrentQueue<RequestRecord> Requests { get; } = new();

    /// <summary>Gets faults served to the next list requests, in order, instead of the real answer.</summary>
    public ConcurrentQueue<Func<HttpContext, Task>> ListFaults { get; } = new();

    /// <summary>Gets faults served to the next watch requests, in order, instead of the real answer.</summary>
    public ConcurrentQueue<Func<HttpContext, Task>> WatchFaults { get; } = new();

    /// <summary>Gets or sets the only bearer token accepted; null accepts any request.</summary>
    public string? AcceptedToken { get; set; }

    /// <summary>Gets or sets a predicate that, when it returns true for a request, answers 403.</summary>
    public Func<RequestRecord, bool>? Forbid { get; set; }

    public string CurrentResourceVersion
    {
        get
        {
            lock (_lock)
            {
                return _rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    public int ActiveWatches
    {
        get
        {
            lock (_lock)
            {
                return _watches.Count;
            }
        }
    }

    public IEnumerable<RequestRecord> Lists => Requests.Where(r => !r.IsWatch);

    public IEnumerable<RequestRecord> Watches => Requests.Where(r => r.IsWatch);

    public static async Task<FakeKubeApi> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? tls = null)
    {
        var api = new FakeKubeApi();
        api._server = await LoopbackServer.StartAsync(api.HandleAsync, tls is null ? null : listen => listen.UseHttps(tls));
        return api;
    }

    /// <summary>Creates or replaces a Secret (ADDED or MODIFIED) and returns its new resourceVersion.</summary>
    public string Put(string ns, string name, IReadOnlyDictionary<string, byte[]> data, IReadOnlyDictionary<string, string>? labels = null, bool immutable = false)
    {
        lock (_lock)
        {
            _secrets.TryGetValue((ns, name), out var old);
            var stored = new Stored(ns, name, ++_rv, new Dictionary<string, byte[]>(data), new Dictionary<string, string>(labels ?? old?.Labels ?? new Dictionary<string, string>()), immutable, old?.Uid ?? Guid.NewGuid().ToString());
            _secrets[(ns, name)] = stored;
            Emit(old, stored);
            return stored.ResourceVersion;
        }
    }

    public string Put(string ns, string name, params (string Key, string Value)[] data)
        => Put(ns, name, data.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value)));

    /// <summary>Changes only the labels of a Secret: a MODIFIED event with the same data.</summary>
    public string Relabel(string ns, string name, IReadOnlyDictionary<string, string> labels)
    {
        Stored old;
        lock (_lock)
        {
            old = _secrets[(ns, name)];
        }

        return Put(ns, name, old.Data, labels, old.Immutable);
    }

    public void Delete(string ns, string name)
    {
        lock (_lock)
        {
            if (_secrets.Remove((ns, name), out var old))
            {
                var gone = old with { Rv = ++_rv };
                Emit(gone, null);
            }
        }
    }

    /// <summary>Sends a BOOKMARK with the current resourceVersion to every open watch.</summary>
    public string Bookmark()
    {
        lock (_lock)
        {
            var rv = _rv.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var line = Line("BOOKMARK", new JsonObject { ["kind"] = "Secret", ["apiVersion"] = "v1", ["metadata"] = new JsonObject { ["resourceVersion"] = rv } });
            foreach (var watch in _watches.Where(w => !w.Silent))
            {
                watch.Lines.Writer.TryWrite(line);
            }

            return rv;
        }
    }

    /// <summary>Sends a raw line (for example a duplicate event or garbage) to every open watch.</summary>
    public void SendRaw(string line)
    {
        lock (_lock)
        {
            foreach (var watch in _watches.Where(w => !w.Silent))
            {
                watch.Lines.Writer.TryWrite(line);
            }
        }
    }

    /// <summary>Gets the watch event line a Secret's current state would be sent as.</summary>
    public string EventLine(string type, string ns, string name)
    {
        lock (_lock)
        {
            return Line(type, _secrets[(ns, name)].ToJson());
        }
    }

    /// <summary>Forgets history: a watch resumed from an older resourceVersion gets an in-stream 410.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            _compactedAt = _rv;
            _history.Clear();
        }
    }

    /// <summary>While held, changes go to history (for resumed watches and lists) but not to open watches.</summary>
    public IDisposable HoldEvents()
    {
        lock (_lock)
        {
            _holdEvents = true;
        }

        return new Release(() =>
        {
            lock (_lock)
            {
                _holdEvents = false;
            }
        });
    }

    /// <summary>The next <paramref name="count"/> watches get nothing at all: no event, no bookmark, no end.</summary>
    public void SilenceNextWatches(int count)
    {
        lock (_lock)
        {
            _silentWatches += count;
        }
    }

    /// <summary>Ends every open watch cleanly, as the server does at timeoutSeconds.</summary>
    public void EndWatches()
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                watch.Lines.Writer.TryComplete();
            }
        }
    }

    /// <summary>Cuts every open watch connection abruptly.</summary>
    public void DropWatches()
    {
        lock (_lock)
        {
            foreach (var watch in _watches)
            {
                watch.Context.Abort();
            }
        }
    }

    public static Func<HttpContext, Task> Status(int code, string reason, string message, int? retryAfterSeconds = null) => async context =>
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsync(StatusJson(code, reason, message));
    };

    /// <summary>A watch answered 200 that ends without a single line.</summary>
    public static Func<HttpContext, Task> EmptyWatch() => async context =>
    {
        context.Response.ContentType = "application/json";
        await context.Response.StartAsync();
    };

    /// <summary>A watch answered 200 whose first line is not JSON.</summary>
    public static Func<HttpContext, Task> GarbageWatch(string garbage) => async context =>
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(garbage + "\n");
    };

    /// <summary>A watch answered 200 that sends an ERROR event with code 410 and then stays open.</summary>
    public static Func<HttpContext, Task> ExpiredButOpen() => async context =>
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Line("ERROR", JsonNode.Parse(StatusJson(410, "Gone", "too old resource version"))!.AsObject()) + "\n");
        await context.Response.Body.FlushAsync();
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client hung up, as it should.
        }
    };

    public static string StatusJson(int code, string reason, string message) => new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        EndWatches();
        await _server.DisposeAsync();
    }

    private static string Line(string type, JsonObject obj) => new JsonObject { ["type"] = type, ["object"] = obj }.ToJsonString();

    private void Emit(Stored? old, Stored? now)
    {
        _history.Add((now?.Rv ?? old!.Rv, old, now));
        if (_holdEvents)
        {
            return;
        }

        foreach (var watch in _watches)
        {
            if (!watch.Silent && EventFor(watch, old, now) is { } line)
            {
                watch.Lines.Writer.TryWrite(line);
            }
        }
    }

    private static string? EventFor(WatchStream watch, Stored? old, Stored? now)
    {
        var wasIn = old is not null && watch.Matches(old);
        var isIn = now is not null && watch.Matches(now);
        return (wasIn, isIn) switch
        {
            (false, true) => Line("ADDED", now!.ToJson()),
            (true, true) => Line("MODIFIED", now!.ToJson()),
            (true, false) => Line("DELETED", (now ?? old!).ToJson()),
            _ => null,
        };
    }

    private async Task HandleAsync(HttpContext context)
    {
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var record = new RequestRecord(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            query,
            context.Request.Headers.Authorization.ToString(),
            context.Request.Protocol);
        Requests.Enqueue(record);
        var parts = record.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is not ["api", "v1", "namespaces", var ns, "secrets"])
        {
            await Status(404, "NotFound", "the server could not find the requested resource")(context);
            return;
        }

        if (AcceptedToken is { } token && record.Authorization != "Bearer " + token)
        {
            await Status(401, "Unauthorized", "Unauthorized")(context);
            return;
        }

        if (Forbid?.Invoke(record) == true)
        {
            await Status(403, "Forbidden", $"secrets is forbidden: User \"system:serviceaccount:{ns}:app\" cannot {(record.IsWatch ? "watch" : "list")} resource \"secrets\" in API group \"\" in the namespace \"{ns}\"")(context);
            return;
        }

        if ((record.IsWatch ? WatchFaults : ListFaults).TryDequeue(out var fault))
        {
            await fault(context);
            return;
        }

        var filter = new WatchStream(context, ns, FieldName(record), LabelPairs(record));
        if (!record.IsWatch)
        {
            await ListAsync(context, filter);
        }
        else
        {
            await WatchAsync(context, filter, record);
        }
    }

    private async Task ListAsync(HttpContext context, WatchStream filter)
    {
        JsonObject list;
        lock (_lock)
        {
            var items = new JsonArray();
            foreach (var secret in _secrets.Values.Where(filter.Matches).OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                items.Add(secret.ToJson());
            }

            list = new JsonObject
            {
                ["kind"] = "SecretList",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject { ["resourceVersion"] = _rv.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["items"] = items,
            };
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(list.ToJsonString());
    }

    private async Task WatchAsync(HttpContext context, WatchStream watch, RequestRecord record)
    {
        context.Response.ContentType = "application/json";
        var from = long.Parse(record.Query.GetValueOrDefault("resourceVersion", "0"), System.Globalization.CultureInfo.InvariantCulture);
        lock (_lock)
        {
            if (from < _compactedAt)
            {
                watch.Lines.Writer.TryWrite(Line("ERROR", JsonNode.Parse(StatusJson(410, "Expired", $"too old resource version: {from} ({_compactedAt})"))!.AsObject()));
                watch.Lines.Writer.TryComplete();
            }
            else
            {
                if (_silentWatches > 0)
                {
                    _silentWatches--;
                    watch.Silent = true;
                }
                else
                {
                    foreach (var (rv, old, now) in _history.Where(h => h.Rv > from))
                    {
                        if (EventFor(watch, old, now) is { } line)
                        {
                            watch.Lines.Writer.TryWrite(line);
                        }
                    }
                }

                _watches.Add(watch);
            }
        }

        try
        {
            await context.Response.StartAsync(context.RequestAborted);
            await foreach (var line in watch.Lines.Reader.ReadAllAsync(context.RequestAborted))
            {
                await context.Response.WriteAsync(line + "\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            lock (_lock)
            {
                _watches.Remove(watch);
            }
        }
    }

    private static string? FieldName(RequestRecord record)
        => record.Query.GetValueOrDefault("fieldSelector") is { Length: > 0 } field && field.StartsWith("metadata.name=", StringComparison.Ordinal)
            ? field["metadata.name=".Length..]
            : null;

    private static Dictionary<string, string> LabelPairs(RequestRecord record)
        => (record.Query.GetValueOrDefault("labelSelector") ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2, StringSplitOptions.TrimEntries))
            .ToDictionary(p => p[0], p => p[1].TrimStart('='));

    public sealed record RequestRecord(string Method, string Path, IReadOnlyDictionary<string, string> Query, string Authorization, string Protocol)
    {
        public bool IsWatch => Query.GetValueOrDefault("watch") is "true" or "1";

        public string? ResourceVersion => Query.GetValueOrDefault("resourceVersion");

        public string? FieldSelector => Query.GetValueOrDefault("fieldSelector");

        public string? LabelSelector => Query.GetValueOrDefault("labelSelector");
    }

    private sealed record Stored(string Ns, string Name, long Rv, Dictionary<string, byte[]> Data, Dictionary<string, string> Labels, bool Immutable, string Uid)
    {
        public string ResourceVersion => Rv.ToString(System.Globalization.CultureInfo.InvariantCulture);

        public JsonObject ToJson()
        {
            var metadata = new JsonObject
            {
                ["name"] = Name,
                ["namespace"] = Ns,
                ["uid"] = Uid,
                ["resourceVersion"] = ResourceVersion,
                ["creationTimestamp"] = "2026-01-01T00:00:00Z",
            };
            if (Labels.Count > 0)
            {
                metadata["labels"] = new JsonObject(Labels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
            }

            var secret = new JsonObject { ["kind"] = "Secret", ["apiVersion"] = "v1", ["metadata"] = metadata, ["type"] = "Opaque" };
            if (Immutable)
            {
                secret["immutable"] = true;
            }

            if (Data.Count > 0)
            {
                secret["data"] = new JsonObject(Data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)Convert.ToBase64String(d.Value))));
            }

            return secret;
        }
    }

    private sealed class WatchStream(HttpContext context, string ns, string? name, Dictionary<string, string> labels)
    {
        public HttpContext Context => context;

        public Channel<string> Lines { get; } = Channel.CreateUnbounded<string>();

        public bool Silent { get; set; }

        public bool Matches(Stored secret)
            => secret.Ns == ns
               && (name is null || secret.Name == name)
               && labels.All(l => secret.Labels.TryGetValue(l.Key, out var v) && v == l.Value);
    }

    private sealed class Release(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
