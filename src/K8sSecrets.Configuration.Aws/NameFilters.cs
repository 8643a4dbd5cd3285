namespace K8sSecrets.Configuration.Aws;

/// <summary>
/// Covers a set of secret names and prefixes with at most N name prefixes, so that one
/// <c>ListSecrets</c> call (a <c>name</c> filter takes 10 values, each a prefix match) returns
/// every declared secret: names that share a start merge into that start.
/// </summary>
internal static class NameFilters
{
    /// <returns>At most <paramref name="limit"/> prefixes; empty when only the empty prefix covers them all (list everything).</returns>
    public static List<string> Cover(IEnumerable<string> names, int limit)
    {
        var set = new SortedSet<string>(names, StringComparer.Ordinal);
        Prune(set);
        while (set.Count > limit)
        {
            // Sorted order puts the pair with the longest common start next to each other.
            string? best = null;
            string? left = null;
            string? previous = null;
            foreach (var name in set)
            {
                if (previous is not null)
                {
                    var common = previous[..CommonLength(previous, name)];
                    if (best is null || common.Length > best.Length)
                    {
                        best = common;
                        left = previous;
                    }
                }

                previous = name;
            }

            if (string.IsNullOrEmpty(best))
            {
                return [];
            }

            set.Remove(left!);
            set.Add(best);
            Prune(set);
        }

        return [.. set];
    }

    /// <summary>Drops every name another entry is a prefix of.</summary>
    private static void Prune(SortedSet<string> set)
    {
        string? cover = null;
        foreach (var name in set.ToList())
        {
            if (cover is not null && name.StartsWith(cover, StringComparison.Ordinal))
            {
                set.Remove(name);
            }
            else
            {
                cover = name;
            }
        }
    }

    private static int CommonLength(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        var i = 0;
        while (i < length && a[i] == b[i])
        {
            i++;
        }

        return i;
    }
}
