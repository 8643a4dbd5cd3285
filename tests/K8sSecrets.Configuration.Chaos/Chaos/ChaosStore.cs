using System.Globalization;
using System.Text.RegularExpressions;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// What the store holds, version by version, and the rules a published state must follow. The store
/// is made of groups, each the store's unit of atomic change: the whole volume (the kubelet swaps a
/// generation), one Kubernetes Secret, one Vault path, one cloud secret, one file of a plain folder.
/// A write gives every key of a group the value <c>v{n}:{key}</c>; a published state must show each
/// group at one version it had, with exactly that version's keys, and never an older version than it
/// showed before.
/// </summary>
internal sealed partial class ChaosStore
{
    /// <summary>Every value starts with this; no log line may hold it.</summary>
    public const string Sentinel = "S3NT1NEL-chaos-";

    private readonly Lock _lock = new();
    private readonly List<(int N, int Mask)>[] _history;
    private readonly int[] _lastShown;

    public ChaosStore(int groups, int keysPerGroup)
    {
        KeysPerGroup = keysPerGroup;
        _history = [.. Enumerable.Range(0, groups).Select(_ => new List<(int N, int Mask)>())];
        _lastShown = new int[groups];
    }

    public int Groups => _history.Length;

    public int KeysPerGroup { get; }

    public int FullMask => (1 << KeysPerGroup) - 1;

    public static string Key(int group, int key) => $"g{group}k{key}";

    public static string Value(int n, string key) => $"{Sentinel}v{n}:{key}";

    public static IEnumerable<string> KeysOf(int group, int mask)
        => Enumerable.Range(0, 31).Where(k => (mask & (1 << k)) != 0).Select(k => Key(group, k));

    /// <summary>The keys and values version <paramref name="n"/> writes for <paramref name="group"/>.</summary>
    public static Dictionary<string, string> Content(int n, int group, int mask)
        => KeysOf(group, mask).ToDictionary(k => k, k => Value(n, k), StringComparer.Ordinal);

    /// <summary>Records a write before the fake store sees it, so anything published was recorded first.</summary>
    public void Record(WriteStep write)
    {
        lock (_lock)
        {
            foreach (var (group, mask) in write.Masks)
            {
                _history[group].Add((write.N, mask));
            }
        }
    }

    /// <summary>Gets the mask of the group's current version (0 when deleted or never written).</summary>
    public int CurrentMask(int group)
    {
        lock (_lock)
        {
            return _history[group] is [.., var last] ? last.Mask : 0;
        }
    }

    /// <summary>Gets the state the store holds now: what a converged source publishes.</summary>
    public Dictionary<string, string> Final()
    {
        lock (_lock)
        {
            var final = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var group = 0; group < _history.Length; group++)
            {
                if (_history[group] is [.., var last])
                {
                    foreach (var (key, value) in Content(last.N, group, last.Mask))
                    {
                        final[key] = value;
                    }
                }
            }

            return final;
        }
    }

    /// <summary>
    /// Checks a published state against the rules: (a) each group shows one version the store wrote
    /// (no mix of two), never older than the one it showed before; (b) no key of that version is
    /// missing and none is extra. Returns every broken rule, empty when the state is sound.
    /// </summary>
    public List<string> Check(IReadOnlyDictionary<string, string?> published)
    {
        var problems = new List<string>();
        var shown = new Dictionary<int, Dictionary<string, int>>();
        foreach (var (key, value) in published)
        {
            var keyMatch = KeyPattern().Match(key);
            var valueMatch = value is null ? Match.Empty : ValuePattern().Match(value);
            if (!keyMatch.Success || int.Parse(keyMatch.Groups[1].Value, CultureInfo.InvariantCulture) >= Groups)
            {
                problems.Add($"(a) key '{key}' was never written by the store");
                continue;
            }

            if (!valueMatch.Success || !string.Equals(valueMatch.Groups[2].Value, key, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"(a) key '{key}' shows a value that is not one the store wrote for it ({Describe(value)})");
                continue;
            }

            var group = int.Parse(keyMatch.Groups[1].Value, CultureInfo.InvariantCulture);
            if (!shown.TryGetValue(group, out var keys))
            {
                shown[group] = keys = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            }

            keys[key] = int.Parse(valueMatch.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        lock (_lock)
        {
            for (var group = 0; group < Groups; group++)
            {
                CheckGroup(group, shown.GetValueOrDefault(group), problems);
            }
        }

        return problems;
    }

    private void CheckGroup(int group, Dictionary<string, int>? keys, List<string> problems)
    {
        var history = _history[group];
        if (keys is null or { Count: 0 })
        {
            // Nothing shown: sound only if the group had an empty (deleted) version no older than the last one shown.
            if (!history.Any(h => h.Mask == 0 && h.N >= _lastShown[group]))
            {
                problems.Add($"(b) group g{group} has no key published, but every version of it since v{_lastShown[group]} has keys (now [{string.Join(" ", KeysOf(group, CurrentMask(group)))}])");
            }

            return;
        }

        var versions = keys.Values.Distinct().Order().ToArray();
        if (versions.Length > 1)
        {
            problems.Add($"(a) group g{group} mixes versions {string.Join(", ", versions.Select(v => "v" + v))}: " + string.Join(" ", keys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}=v{k.Value}")));
            return;
        }

        var n = versions[0];
        var written = history.FindIndex(h => h.N == n);
        if (written < 0)
        {
            problems.Add($"(a) group g{group} shows v{n}, a version the store never wrote for it");
            return;
        }

        var expected = KeysOf(group, history[written].Mask).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = expected.Where(k => !keys.ContainsKey(k)).Order(StringComparer.Ordinal).ToArray();
        var extra = keys.Keys.Where(k => !expected.Contains(k)).Order(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            problems.Add($"(b) group g{group} at v{n} is missing {string.Join(" ", missing)}");
        }

        if (extra.Length > 0)
        {
            problems.Add($"(a) group g{group} at v{n} shows keys v{n} does not have: {string.Join(" ", extra)}");
        }

        if (n < _lastShown[group])
        {
            problems.Add($"(a) group g{group} went back from v{_lastShown[group]} to v{n}");
        }

        _lastShown[group] = Math.Max(_lastShown[group], n);
    }

    private static string Describe(string? value) => value is null ? "null" : value.StartsWith(Sentinel, StringComparison.Ordinal) ? value[Sentinel.Length..] : $"{value.Length} characters not in the store's format";

    [GeneratedRegex("^g([0-9]+)k([0-9]+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^" + Sentinel + "v([0-9]+):(.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ValuePattern();
}
