namespace K8sSecrets.Configuration;

/// <summary>Maps a snapshot to configuration data and compares data sets.</summary>
internal static class SnapshotMapper
{
    /// <summary>
    /// Builds the data to publish: each name becomes a key, and every failed name keeps the
    /// values it has in <paramref name="published"/>. Returns the keys two names both mapped to.
    /// </summary>
    public static Dictionary<string, string?> ToData(
        SecretSnapshot snapshot,
        string? section,
        IDictionary<string, string?> published,
        out List<string>? collisions)
    {
        collisions = null;
        var data = MapNames(snapshot.Entries, section, ordered: false, ref collisions);
        if (collisions is not null)
        {
            // Rare: two names map to one key. Map again in ordinal order so the winner is predictable.
            collisions = null;
            data = MapNames(snapshot.Entries, section, ordered: true, ref collisions);
        }

        foreach (var (name, _) in snapshot.Failures)
        {
            KeepPublished(ToKey(section, name), published, data);
        }

        return data;
    }

    private static Dictionary<string, string?> MapNames(
        IReadOnlyList<KeyValuePair<string, string?>> entries,
        string? section,
        bool ordered,
        ref List<string>? collisions)
    {
        var data = new Dictionary<string, string?>(entries.Count, StringComparer.OrdinalIgnoreCase);
        if (ordered)
        {
            entries = [.. entries.OrderBy(static e => e.Key, StringComparer.Ordinal)];
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var (name, value) = entries[i];
            var key = ToKey(section, name);
            if (!data.TryAdd(key, value))
            {
                (collisions ??= []).Add(key);
                if (!ordered)
                {
                    break;
                }

                data[key] = value;
            }
        }

        return data;
    }

    /// <summary>Maps a secret name to a configuration key: <c>__</c> and <c>/</c> become <c>:</c>.</summary>
    public static string ToKey(string? section, string name)
    {
        var key = name.Contains('/', StringComparison.Ordinal) ? name.Replace('/', ':') : name;
        if (key.Contains("__", StringComparison.Ordinal))
        {
            key = key.Replace("__", ":", StringComparison.Ordinal);
        }

        return string.IsNullOrEmpty(section) ? key : string.Concat(section, ":", key);
    }

    public static bool SameData(IDictionary<string, string?> left, IDictionary<string, string?> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        foreach (var (key, value) in left)
        {
            if (!right.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public static SecretsChangedEventArgs Diff(IDictionary<string, string?> before, IDictionary<string, string?> after, string? version)
    {
        List<string> added = [], changed = [], removed = [];
        foreach (var (key, value) in after)
        {
            if (!before.TryGetValue(key, out var old))
            {
                added.Add(key);
            }
            else if (!string.Equals(old, value, StringComparison.Ordinal))
            {
                changed.Add(key);
            }
        }

        foreach (var key in before.Keys)
        {
            if (!after.ContainsKey(key))
            {
                removed.Add(key);
            }
        }

        return new SecretsChangedEventArgs(added, changed, removed, version);
    }

    private static void KeepPublished(string prefix, IDictionary<string, string?> published, Dictionary<string, string?> data)
    {
        foreach (var (key, value) in published)
        {
            var under = key.Length == prefix.Length
                ? key.Equals(prefix, StringComparison.OrdinalIgnoreCase)
                : key.Length > prefix.Length && key[prefix.Length] == ':' && key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
            if (under)
            {
                data.TryAdd(key, value);
            }
        }
    }
}
