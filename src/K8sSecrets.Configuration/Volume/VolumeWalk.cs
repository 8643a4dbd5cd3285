using System.Collections;
using System.IO.Enumeration;

namespace K8sSecrets.Configuration;

/// <summary>
/// Lists the files a read of a volume folder takes, and the names it refuses, with the rules both
/// the read and the change check share: kubelet internals (<c>..*</c>) are never keys; in a plain
/// folder, hidden names (one leading dot) are skipped except those a Kubernetes Secret really uses;
/// links are followed to files inside the mount only, never to folders (a link to a folder could
/// loop; the kubelet never creates one inside a generation); files the options ignore
/// (<see cref="VolumeSecretOptions.IgnorePrefix"/>, <see cref="VolumeSecretOptions.IgnoreCondition"/>)
/// are skipped; at most <see cref="VolumeSecretOptions.MaxEntries"/> entries (10,000 by default) and <see cref="MaxDepth"/> levels are listed.
/// </summary>
internal readonly record struct VolumeWalk(string Root, string Folder, string RealRoot, bool Kubelet, VolumeSecretOptions Options) : IEnumerable<VolumeWalk.Item>
{
    private const int MaxDepth = 16;

    private static readonly EnumerationOptions s_listing = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Whether a name of a plain folder is skipped: hidden, and not a name a Secret uses (<c>kubectl create secret docker-registry</c>).</summary>
    public static bool IsSkipped(string name, bool kubelet)
        => name.StartsWith("..", StringComparison.Ordinal)
        || (!kubelet && name.StartsWith('.') && name is not (".dockerconfigjson" or ".dockercfg"));

    public IEnumerator<Item> GetEnumerator()
    {
        var listed = 0;
        var pending = new Stack<(string Folder, string Prefix, int Depth)>();
        pending.Push((Folder, string.Empty, 0));
        while (pending.TryPop(out var current))
        {
            var entries = new FileSystemEnumerable<Entry>(
                current.Folder,
                static (ref FileSystemEntry e) => new Entry(e.FileName.ToString(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0),
                s_listing);
            foreach (var entry in entries)
            {
                if (++listed > Options.MaxEntries)
                {
                    throw new SecretSourceException(
                        $"The secrets volume '{Root}' holds more than {Options.MaxEntries} files and folders, so it is not read. Mount a folder that holds only the secrets.")
                    { IsTransient = false };
                }

                if (IsSkipped(entry.Name, Kubelet))
                {
                    continue;
                }

                var path = Path.Join(current.Folder, entry.Name);
                var name = current.Prefix.Length == 0 ? entry.Name : string.Concat(current.Prefix, "/", entry.Name);
                if (entry.IsLink)
                {
                    var target = PathResolver.RealPath(path);
                    if (target is null)
                    {
                        continue; // a dangling link is an absent key (kubelet removes links after the swap)
                    }

                    if (!Directory.Exists(target) && Options.IsIgnored(entry.Name))
                    {
                        continue;
                    }

                    if (!PathResolver.IsInside(target, RealRoot))
                    {
                        yield return new Item(path, name, $"the symbolic link '{path}' resolves outside the mount '{RealRoot}' and is refused");
                    }
                    else if (Directory.Exists(target))
                    {
                        yield return new Item(path, name, $"the symbolic link '{path}' points to a folder; links to folders are not followed (they can loop), so it is refused");
                    }
                    else
                    {
                        yield return new Item(path, name, null);
                    }
                }
                else if (!entry.IsDirectory)
                {
                    if (!Options.IsIgnored(entry.Name))
                    {
                        yield return new Item(path, name, null);
                    }
                }
                else if (current.Depth < MaxDepth)
                {
                    pending.Push((path, name, current.Depth + 1));
                }
                else
                {
                    yield return new Item(path, name, $"the folder '{path}' is nested deeper than {MaxDepth} levels and is not read");
                }
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A file to read (<paramref name="Refusal"/> null) or a name refused with its reason.</summary>
    internal readonly record struct Item(string Path, string Name, string? Refusal);

    private readonly record struct Entry(string Name, bool IsDirectory, bool IsLink);
}
