namespace K8sSecrets.Configuration;

/// <summary>Resolves symbolic links so that a link escaping the mount can be refused.</summary>
internal static class PathResolver
{
    private const int MaxLinkHops = 40;

    /// <summary>
    /// Returns <paramref name="path"/> with every symbolic link in it resolved, or
    /// <see langword="null"/> when a part of it does not exist or the links loop.
    /// </summary>
    public static string? RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows())
        {
            var target = File.ResolveLinkTarget(full, returnFinalTarget: true);
            return target?.FullName ?? (Path.Exists(full) ? full : null);
        }

        var pending = new Stack<string>();
        PushParts(pending, full);
        var current = "/";
        var hops = 0;
        while (pending.TryPop(out var part))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            var next = Path.Join(current, part);
            var link = new FileInfo(next).LinkTarget;
            if (link is null)
            {
                if (!Path.Exists(next))
                {
                    return null;
                }

                current = next;
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                return null;
            }

            if (Path.IsPathRooted(link))
            {
                current = "/";
            }

            PushParts(pending, link);
        }

        return current;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it (both already resolved).</summary>
    public static bool IsInside(string path, string root)
    {
        var trimmed = root.Length > 1 ? root.TrimEnd(Path.DirectorySeparatorChar) : root;
        return path.Equals(trimmed, StringComparison.Ordinal)
            || (path.StartsWith(trimmed, StringComparison.Ordinal)
                && (trimmed.EndsWith(Path.DirectorySeparatorChar) || path[trimmed.Length] == Path.DirectorySeparatorChar));
    }

    private static void PushParts(Stack<string> pending, string path)
    {
        var parts = path.Split(Path.DirectorySeparatorChar);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }
}
