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
    /// <summary>Notes whether each entry is a link: the entry's attributes cost one <c>lstat</c>.</summary>
    private static readonly FileSystemEnumerable<Entry>.FindTransform s_links =
        static (ref FileSystemEntry e) => new Entry(e.FileName.ToString(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0);

    /// <summary>
    /// Notes whether a folder is a link (a link to a folder is refused, never walked); a file's
    /// type comes from the listing alone, so files cost no lookup (<see cref="DeferFileLinks"/>).
    /// </summary>
    private static readonly FileSystemEnumerable<Entry>.FindTransform s_linksOfFolders =
        static (ref FileSystemEntry e) => new Entry(e.FileName.ToString(), e.IsDirectory, e.IsDirectory && (e.Attributes & FileAttributes.ReparsePoint) != 0);

    public static bool IsSkipped(string name, bool kubelet)
        => name.StartsWith("..", StringComparison.Ordinal)
        || (!kubelet && name.StartsWith('.') && name is not (".dockerconfigjson" or ".dockercfg"));

    /// <summary>
    /// Whether a file's link check is left to the reader: listing then never looks up an entry the
    /// folder listing says is not a folder (no <c>lstat</c> per file); such a file comes back with
    /// <see cref="Item.Unchecked"/> set, and a reader that finds it is a link (an <c>O_NOFOLLOW</c>
    /// open refused) asks <see cref="CheckLink"/>.
    /// </summary>
    public bool DeferFileLinks { get; init; }

    /// <summary>The path of an item: its name is relative to <see cref="Folder"/>.</summary>
    public string PathOf(Item item) => Path.Join(Folder, item.Name);

    public IEnumerator<Item> GetEnumerator()
    {
        var listed = 0;
        var transform = DeferFileLinks ? s_linksOfFolders : s_links;
        var pending = new Stack<(string Folder, string Prefix, int Depth)>();
        pending.Push((Folder, string.Empty, 0));
        while (pending.TryPop(out var current))
        {
            foreach (var entry in new FileSystemEnumerable<Entry>(current.Folder, transform, s_listing))
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

                var name = current.Prefix.Length == 0 ? entry.Name : string.Concat(current.Prefix, "/", entry.Name);
                if (entry.IsLink)
                {
                    if (CheckLink(name) is { } checkedLink)
                    {
                        yield return checkedLink;
                    }
                }
                else if (!entry.IsDirectory)
                {
                    if (!Options.IsIgnored(entry.Name))
                    {
                        yield return new Item(name, null, Unchecked: DeferFileLinks);
                    }
                }
                else if (current.Depth < MaxDepth)
                {
                    pending.Push((Path.Join(current.Folder, entry.Name), name, current.Depth + 1));
                }
                else
                {
                    yield return new Item(name, $"the folder '{Path.Join(current.Folder, entry.Name)}' is nested deeper than {MaxDepth} levels and is not read");
                }
            }
        }
    }

    /// <summary>
    /// What the walk makes of <paramref name="name"/> (relative to <see cref="Folder"/>), a symbolic
    /// link: <see langword="null"/> when it dangles (an absent key: the kubelet removes links after
    /// the swap) or is ignored; a refusal when it resolves outside the mount or to a folder; else a file to read.
    /// </summary>
    public Item? CheckLink(string name)
    {
        var path = Path.Join(Folder, name);
        var target = PathResolver.RealPath(path);
        if (target is null)
        {
            return null;
        }

        var isFolder = Directory.Exists(target);
        if (!isFolder && Options.IsIgnored(Path.GetFileName(name)))
        {
            return null;
        }

        if (!PathResolver.IsInside(target, RealRoot))
        {
            return new Item(name, $"the symbolic link '{path}' resolves outside the mount '{RealRoot}' and is refused");
        }

        return isFolder
            ? new Item(name, $"the symbolic link '{path}' points to a folder; links to folders are not followed (they can loop), so it is refused")
            : new Item(name, null);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// A file to read (<paramref name="Refusal"/> null) or a name refused with its reason; the name is
    /// relative to the walk's folder (see <see cref="PathOf"/>). <paramref name="Unchecked"/>: it may
    /// be a link not checked yet (<see cref="DeferFileLinks"/>).
    /// </summary>
    internal readonly record struct Item(string Name, string? Refusal, bool Unchecked = false);

    private readonly record struct Entry(string Name, bool IsDirectory, bool IsLink);
}
