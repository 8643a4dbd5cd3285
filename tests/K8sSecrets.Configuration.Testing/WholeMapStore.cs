using System.Text.Json.Nodes;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A conformance store whose whole content is one name-to-value map, written as one new version on
/// every change: one JSON secret, one Kubernetes Secret, one KV path.
/// </summary>
public abstract class WholeMapStore : IConformanceStore
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public abstract string SourceName { get; }

    public abstract int Requests { get; }

    public Task SetAsync(string name, string value)
    {
        _values[name] = value;
        Write(_values);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string name)
    {
        _values.Remove(name);
        Write(_values);
        return Task.CompletedTask;
    }

    public abstract Task BreakAsync();

    public abstract Task HealAsync();

    public abstract ValueTask DisposeAsync();

    /// <summary>The map as a flat JSON object of strings.</summary>
    protected static string ToJson(IReadOnlyDictionary<string, string> values)
        => new JsonObject(values.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))).ToJsonString();

    /// <summary>Writes <paramref name="values"/> to the store as its new content.</summary>
    protected abstract void Write(IReadOnlyDictionary<string, string> values);
}
