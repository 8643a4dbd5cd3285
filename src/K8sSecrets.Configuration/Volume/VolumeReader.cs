using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace K8sSecrets.Configuration;

/// <summary>
/// Reads a mounted volume as one snapshot. A kubelet volume (one with a <c>..data</c> link) is
/// read from the single generation folder that <c>..data</c> names, so keys never mix two
/// generations; a plain folder is read file by file.
/// </summary>
internal static class VolumeReader
{
    public const string DataLink = "..data";

    /// <summary>The most entries (files and folders) one read of a volume lists, by default.</summary>
    public const int MaxEntries = 10_000;

    private const int MaxSwapRetries = 5;

    /// <summary>
    /// Reads the volume. For a kubelet volume whose generation is <paramref name="knownGeneration"/>,
    /// nothing is read and the snapshot is <see langword="null"/>.
    /// </summary>
    public static VolumeRead Read(string root, VolumeSecretOptions options, string? knownGeneration)
    {
        for (var attempt = 1; ; attempt++)
        {
            var realRoot = (Directory.Exists(root) ? PathResolver.RealPath(root) : null) ?? throw Missing(root);
            var generation = ReadDataLink(root);
            if (generation is null)
            {
                var plain = new SecretSnapshot(options);
                ReadFiles(new VolumeWalk(root, root, realRoot, Kubelet: false, options), plain, options);
                return new VolumeRead(plain, null);
            }

            if (generation == knownGeneration)
            {
                return new VolumeRead(null, generation);
            }

            var snapshot = new SecretSnapshot(options) { Version = Path.GetFileName(generation) };
            try
            {
                var folder = GenerationFolder(root, realRoot, generation);
                ReadFiles(new VolumeWalk(root, folder, realRoot, Kubelet: true, options), snapshot, options);
                if (ReadDataLink(root) == generation)
                {
                    return new VolumeRead(snapshot, generation);
                }
            }
            catch (IOException ex) when (ex is FileNotFoundException or DirectoryNotFoundException && attempt < MaxSwapRetries)
            {
                // The kubelet swapped ..data and removed the folder being read: read the new one.
            }

            if (attempt >= MaxSwapRetries)
            {
                throw new SecretSourceException(
                    $"The volume '{root}' was swapped {MaxSwapRetries} times while it was being read; it will be read again.");
            }
        }
    }

    /// <summary>
    /// A cheap summary of a plain folder (the names, sizes and modification times of what a read
    /// would see), compared before and after a read to notice a write that ran during it; 0 for a
    /// kubelet volume or a folder that cannot be listed.
    /// </summary>
    public static int Fingerprint(string root, VolumeSecretOptions options)
    {
        try
        {
            var realRoot = Directory.Exists(root) ? PathResolver.RealPath(root) : null;
            if (realRoot is null || ReadDataLink(root) is not null)
            {
                return 0;
            }

            var hash = default(HashCode);
            var walk = new VolumeWalk(root, root, realRoot, Kubelet: false, options);
            foreach (var item in walk)
            {
                hash.Add(item.Name, StringComparer.Ordinal);
                if (item.Refusal is null)
                {
                    var info = new FileInfo(walk.PathOf(item));
                    hash.Add(info.Exists ? info.Length : -1);
                    hash.Add(info.Exists ? info.LastWriteTimeUtc.Ticks : 0);
                }
            }

            return hash.ToHashCode();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SecretSourceException)
        {
            return 0; // the read itself reports what is wrong
        }
    }

    /// <summary>The error of a missing folder; its inner exception is the <see cref="DirectoryNotFoundException"/> <c>AddKeyPerFile</c> would throw.</summary>
    public static SecretSourceException Missing(string root)
    {
        var message = $"The secrets volume folder '{root}' does not exist. Mount the Secret volume at this path, or mark the source optional to start empty and load it when it appears.";
        return new SecretSourceException(message, new DirectoryNotFoundException(message));
    }

    private static string? ReadDataLink(string root) => new FileInfo(Path.Join(root, DataLink)).LinkTarget;

    /// <summary>
    /// The folder <c>..data</c> names, once its real path (every link resolved) is known to be a
    /// <c>..</c> folder directly inside the real mount root: <c>..data -&gt; ..gen -&gt; /elsewhere</c> is refused.
    /// </summary>
    private static string GenerationFolder(string root, string realRoot, string generation)
    {
        var folder = Path.GetFullPath(generation, root);
        if (IsRealGeneration(realRoot, generation))
        {
            return folder;
        }

        var real = PathResolver.RealPath(folder) ?? throw new DirectoryNotFoundException($"The generation folder '{folder}' is gone.");
        if (!string.Equals(Path.GetDirectoryName(real), Path.TrimEndingDirectorySeparator(realRoot), StringComparison.Ordinal)
            || !Path.GetFileName(real).StartsWith("..", StringComparison.Ordinal)
            || !Directory.Exists(real))
        {
            throw new SecretSourceException(
                $"The kubelet link '{Path.Join(root, DataLink)}' leads to '{real}', outside the mount '{root}' (a generation must be a '..' folder directly inside it), so the volume is not read. Check what writes this folder.")
            { IsTransient = false };
        }

        return folder;
    }

    /// <summary>
    /// The kubelet's own case, answered by one <c>lstat</c> instead of resolving the path again:
    /// <c>..data</c> names a <c>..</c> folder by a bare name, and that entry of the real root is a
    /// folder, not a link. Anything else takes the full check.
    /// </summary>
    private static bool IsRealGeneration(string realRoot, string generation)
    {
        if (generation.Length <= 2 || !generation.StartsWith("..", StringComparison.Ordinal)
            || generation.Contains(Path.DirectorySeparatorChar) || generation.Contains(Path.AltDirectorySeparatorChar))
        {
            return false;
        }

        try
        {
            return (File.GetAttributes(Path.Join(realRoot, generation)) & (FileAttributes.Directory | FileAttributes.ReparsePoint)) == FileAttributes.Directory;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // the full check names what is wrong
        }
    }

    /// <summary>
    /// Reads every file the walk lists. On Linux the files are opened relative to one handle on the
    /// folder, without following a link (<see cref="UnixFiles.OpenRegularAt"/>): per file one
    /// <c>openat</c>, one <c>statx</c> (type and size), one <c>pread</c> and one <c>close</c>, and
    /// a link is checked as the walk checks links before it is read by path.
    /// </summary>
    private static void ReadFiles(VolumeWalk walk, SecretSnapshot snapshot, VolumeSecretOptions options)
    {
        using var folder = UnixFiles.OpenFolder(walk.Folder);
        foreach (var listed in walk with { DeferFileLinks = folder is not null })
        {
            var item = listed;
            if (item.Refusal is null && options.BeforeFileRead is { } beforeRead)
            {
                beforeRead(walk.PathOf(item));
            }

            try
            {
                if (item.Refusal is null && item.Unchecked && folder is not null && ReadAt(folder, item.Name, snapshot, walk))
                {
                    continue;
                }
            }
            catch (Exception ex) when (IsAbsentOrFailed(ex, walk.Kubelet))
            {
                AddFailureOrSkip(ex, walk.PathOf(item), item.Name, snapshot);
                continue;
            }

            if (item.Unchecked)
            {
                // A link: the walk's rules decide, as for a link it listed itself.
                if (walk.CheckLink(item.Name) is not { } link)
                {
                    continue;
                }

                item = link;
            }

            if (item.Refusal is { } refusal)
            {
                snapshot.AddFailure(item.Name, refusal);
            }
            else
            {
                ReadFile(walk.PathOf(item), item.Name, snapshot, walk.Kubelet);
            }
        }
    }

    /// <summary>Reads a file relative to the folder handle; <see langword="false"/> when it is a link, left to the caller.</summary>
    private static bool ReadAt(SafeFileHandle folder, string name, SecretSnapshot snapshot, VolumeWalk walk)
    {
        using var file = UnixFiles.OpenRegularAt(folder, name);
        if (file.IsLink)
        {
            return false;
        }

        if (file.Refusal is { } refusal)
        {
            snapshot.AddFailure(name, $"the file '{walk.PathOf(new(name, null))}' {refusal}");
        }
        else if (file.Length > SecretSnapshot.MaxValueBytes)
        {
            snapshot.AddFailure(name, TooLarge(walk.PathOf(new(name, null)), file.Length));
        }
        else
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)file.Length + 1);
            try
            {
                snapshot.Add(name, buffer.AsSpan(0, file.ReadAll(buffer)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return true;
    }

    private static string TooLarge(string path, long length)
        => $"the file '{path}' is {length} bytes, over the 1 MiB limit of a Kubernetes Secret, and is refused";

    /// <summary>
    /// A file that went away is an absent key in a plain folder (deleted between listing and
    /// reading); in a kubelet generation it means the folder is being removed, and the whole read
    /// is retried (the exception goes on). Anything else unreadable is a failure of that key.
    /// </summary>
    private static bool IsAbsentOrFailed(Exception ex, bool kubelet)
        => (!kubelet && ex is FileNotFoundException or DirectoryNotFoundException)
        || ex is UnauthorizedAccessException
        || (ex is IOException && ex is not FileNotFoundException and not DirectoryNotFoundException);

    private static void AddFailureOrSkip(Exception ex, string path, string name, SecretSnapshot snapshot)
    {
        if (ex is not (FileNotFoundException or DirectoryNotFoundException))
        {
            snapshot.AddFailure(name, $"the file '{path}' could not be read: {ex.Message}");
        }
    }

    private static void ReadFile(string path, string name, SecretSnapshot snapshot, bool kubelet)
    {
        try
        {
            using var handle = UnixFiles.OpenRegular(path, out var refusal);
            if (handle is null)
            {
                snapshot.AddFailure(name, $"the file '{path}' {refusal}");
                return;
            }

            var length = RandomAccess.GetLength(handle);
            if (length > SecretSnapshot.MaxValueBytes)
            {
                snapshot.AddFailure(name, TooLarge(path, length));
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent((int)length + 1);
            try
            {
                int total = 0, read;
                while (total < buffer.Length && (read = RandomAccess.Read(handle, buffer.AsSpan(total), total)) > 0)
                {
                    total += read;
                }

                snapshot.Add(name, buffer.AsSpan(0, total));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception ex) when (IsAbsentOrFailed(ex, kubelet))
        {
            AddFailureOrSkip(ex, path, name, snapshot);
        }
    }
}

/// <summary>The result of one read: the snapshot (null when unchanged) and the kubelet generation, if any.</summary>
internal readonly record struct VolumeRead(SecretSnapshot? Snapshot, string? Generation);
