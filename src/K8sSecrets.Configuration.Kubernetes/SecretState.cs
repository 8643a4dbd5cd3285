using k8s.Models;

namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>The last seen state of one Secret: its resourceVersion and its data, already decoded from base64.</summary>
internal sealed class SecretState(string name, string? resourceVersion, IReadOnlyDictionary<string, byte[]> data, bool immutable)
{
    public string Name => name;

    public string? ResourceVersion => resourceVersion;

    public IReadOnlyDictionary<string, byte[]> Data => data;

    public bool Immutable => immutable;

    public static SecretState From(V1Secret secret)
    {
        var data = secret.Data is { Count: > 0 } raw
            ? new Dictionary<string, byte[]>(raw, StringComparer.Ordinal)
            : new Dictionary<string, byte[]>(StringComparer.Ordinal);
        return new SecretState(secret.Metadata?.Name ?? string.Empty, secret.Metadata?.ResourceVersion, data, secret.Immutable == true);
    }

    /// <summary>Whether both hold the same keys with the same bytes (labels, annotations and versions aside).</summary>
    public bool SameData(SecretState other)
    {
        if (other.Data.Count != Data.Count)
        {
            return false;
        }

        foreach (var (key, value) in Data)
        {
            if (!other.Data.TryGetValue(key, out var otherValue) || !value.AsSpan().SequenceEqual(otherValue))
            {
                return false;
            }
        }

        return true;
    }
}
