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
        var entries = snapshot.Entries;
        var data = new Dictionary<string, string?>(entries.Count, StringComparer.OrdinalIgnoreCase);
        IEnumerable<KeyValuePair<string, string?>> ordered = entries.Count > 1
            ? entries.OrderBy(static e => e.Key, StringComparer.Ordinal)
            : entries;
        foreach (var (name, value) in ordered)
        {
            var key = ToKey(section, name);
            if (!data.TryAdd(key, value))
            {
                (collisions ??= []).Add(key);
                data[key] = value;
            }
        }

        foreach (var (name, _) in snapshot.Failures)
        {
            KeepPublished(ToKey(section, name), published, data);
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
