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
        SecretSourceOptions options,
        IDictionary<string, string?> published,
        out List<string>? collisions)
    {
        collisions = null;
        var data = MapNames(snapshot.Entries, options, ordered: false, ref collisions);
        if (collisions is not null)
        {
            // Rare: two names map to one key. Map again in ordinal order so the winner is predictable.
            collisions = null;
            data = MapNames(snapshot.Entries, options, ordered: true, ref collisions);
        }

        foreach (var (name, _) in snapshot.Failures)
        {
            if (ToKey(options, name) is { } prefix)
            {
                KeepPublished(prefix, published, data);
            }
        }

        return data;
    }

    private static Dictionary<string, string?> MapNames(
        IReadOnlyList<KeyValuePair<string, string?>> entries,
        SecretSourceOptions options,
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
            if (ToKey(options, name) is not { } key)
            {
                continue;
            }

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

    /// <summary>
    /// Maps a secret name to a configuration key: <c>/</c> and each of the source's key delimiters
    /// become <c>:</c>, then the source's <see cref="SecretSourceOptions.MapKey"/> rule applies (null:
    /// left out), then the section is prepended.
    /// </summary>
    public static string? ToKey(SecretSourceOptions options, string name)
    {
        var key = name.Contains('/', StringComparison.Ordinal) ? name.Replace('/', ':') : name;
        foreach (var delimiter in options.KeyDelimiters)
        {
            if (delimiter.Length > 0 && key.Contains(delimiter, StringComparison.Ordinal))
            {
                key = key.Replace(delimiter, ":", StringComparison.Ordinal);
            }
        }

        if (options.MapKey is { } map)
        {
            if (map(key) is not { Length: > 0 } mapped)
            {
                return null;
            }

            key = mapped;
        }

        var section = options.Section;
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
