using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace K8sSecrets.Configuration;

/// <summary>
/// The keys and sections of one provider whose change calls for a restart, attached to the
/// provider by <c>RestartWhenChanged</c> and read by the restart service.
/// </summary>
internal sealed class RestartRule
{
    private static readonly ConditionalWeakTable<SecretsConfigurationProvider, RestartRule> s_rules = new();

    private readonly Lock _gate = new();
    private string[] _keys = [];

    public IReadOnlyList<string> Keys => _keys;

    public static void Attach(SecretsConfigurationProvider provider, IEnumerable<string> keys)
    {
        var rule = s_rules.GetValue(provider, static _ => new RestartRule());
        lock (rule._gate)
        {
            rule._keys = [.. rule._keys.Union(keys, StringComparer.OrdinalIgnoreCase)];
        }
    }

    public static RestartRule? For(SecretsConfigurationProvider provider) => s_rules.TryGetValue(provider, out var rule) ? rule : null;

    /// <summary>Whether <paramref name="key"/> is one of the keys or lies under one of the sections.</summary>
    public bool Covers(string key)
    {
        foreach (var watched in _keys)
        {
            if (key.Equals(watched, StringComparison.OrdinalIgnoreCase)
                || (key.Length > watched.Length
                    && key[watched.Length] == ':'
                    && key.StartsWith(watched, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A hash of the covered keys and their values as the provider publishes them now, so that a
    /// change back to the start-up values can be recognised without keeping a copy of them.
    /// </summary>
    public byte[] Fingerprint(SecretsConfigurationProvider provider)
    {
        var entries = new SortedDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var watched in _keys)
        {
            Collect(provider, watched, entries);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var (key, value) in entries)
        {
            Append(hash, key.ToUpperInvariant(), length);
            Append(hash, value, length);
        }

        return hash.GetHashAndReset();
    }

    private static void Collect(SecretsConfigurationProvider provider, string path, SortedDictionary<string, string?> entries)
    {
        if (provider.TryGet(path, out var value))
        {
            entries[path] = value;
        }

        foreach (var child in provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            Collect(provider, path + ":" + child, entries);
        }
    }

    private static void Append(IncrementalHash hash, string? text, Span<byte> length)
    {
        if (text is null)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, -1);
            hash.AppendData(length);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
