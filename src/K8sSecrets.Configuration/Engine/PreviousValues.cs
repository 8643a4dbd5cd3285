namespace K8sSecrets.Configuration;

/// <summary>
/// The values keys had before a rotation, published under <see cref="Root"/> for a window
/// (<see cref="SecretSourceOptions.KeepPreviousFor"/>), then dropped.
/// </summary>
internal sealed class PreviousValues(TimeSpan window)
{
    public const string Root = "K8sSecrets:Previous";
    private const string Prefix = Root + ":";

    private readonly Dictionary<string, (string? Value, Deadline Until)> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    /// <summary>Removes the keys a source placed under the reserved root; returns them, or null when none.</summary>
    public static List<string>? RemoveReserved(Dictionary<string, string?> candidate)
    {
        List<string>? reserved = null;
        foreach (var key in candidate.Keys)
        {
            if (key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) || key.Equals(Root, StringComparison.OrdinalIgnoreCase))
            {
                (reserved ??= []).Add(key);
            }
        }

        reserved?.ForEach(key => candidate.Remove(key));
        return reserved;
    }

    /// <summary>Keeps the values the change replaced or removed, for the window from now.</summary>
    public void Keep(SecretsChangedEventArgs change, Dictionary<string, string?> before, TimeProvider time)
    {
        lock (_lock)
        {
            var until = Deadline.After(time, window);
            foreach (var key in change.Changed.Concat(change.Removed))
            {
                _entries[key] = (before[key], until);
            }
        }
    }

    /// <summary>Drops the values whose window ended; returns their published keys, or null when none.</summary>
    public List<string>? Prune(TimeProvider time)
    {
        lock (_lock)
        {
            List<string>? expired = null;
            foreach (var (key, entry) in _entries)
            {
                if (entry.Until.Remaining(time) <= TimeSpan.Zero)
                {
                    (expired ??= []).Add(key);
                }
            }

            expired?.ForEach(key => _entries.Remove(key));
            return expired?.ConvertAll(static key => Prefix + key);
        }
    }

    /// <summary>The time until the first window ends, or null when nothing is kept.</summary>
    public TimeSpan? NextExpiry(TimeProvider time)
    {
        lock (_lock)
        {
            TimeSpan? first = null;
            foreach (var (_, entry) in _entries)
            {
                if (entry.Until.Remaining(time) is { } left && (first is null || left < first))
                {
                    first = left;
                }
            }

            return first is { } f && f < TimeSpan.Zero ? TimeSpan.Zero : first;
        }
    }

    /// <summary>The data to publish: the source's keys plus every kept previous value.</summary>
    public Dictionary<string, string?> Compose(Dictionary<string, string?> current)
    {
        lock (_lock)
        {
            if (_entries.Count == 0)
            {
                return current;
            }

            var data = new Dictionary<string, string?>(current, StringComparer.OrdinalIgnoreCase);
            foreach (var (key, entry) in _entries)
            {
                data[Prefix + key] = entry.Value;
            }

            return data;
        }
    }
}
