using System.Buffers;
using System.IO.Enumeration;

namespace K8sSecrets.Configuration;

/// <summary>
/// Reads a mounted volume as one snapshot. A kubelet volume (one with a <c>..data</c> link) is
/// read from the single generation folder that <c>..data</c> names, so keys never mix two
/// generations; a plain folder is read file by file.
/// </summary>
internal static class VolumeReader
{
    public const string DataLink = "..data";
    private const int MaxSwapRetries = 5;
    private const int MaxDepth = 16;

    private static readonly EnumerationOptions s_listing = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>
    /// Reads the volume. For a kubelet volume whose generation is <paramref name="knownGeneration"/>,
    /// nothing is read and the snapshot is <see langword="null"/>.
    /// </summary>
    public static VolumeRead Read(string root, SecretSourceOptions options, string? knownGeneration)
    {
        for (var attempt = 1; ; attempt++)
        {
            var realRoot = (Directory.Exists(root) ? PathResolver.RealPath(root) : null) ?? throw Missing(root);
            var generation = ReadDataLink(root);
            if (generation is null)
            {
                var plain = new SecretSnapshot(options);
                ReadFolder(root, string.Empty, realRoot, plain, kubelet: false, depth: 0);
                return new VolumeRead(plain, null);
            }

            if (generation == knownGeneration)
            {
                return new VolumeRead(null, generation);
            }

            var folder = Path.GetFullPath(generation, root);
            if (!string.Equals(Path.GetDirectoryName(folder), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal))
            {
                throw new SecretSourceException(
                    $"The kubelet link '{Path.Join(root, DataLink)}' points outside the mount '{root}', so the volume is not read. Check what writes this folder.")
                { IsTransient = false };
            }

            var snapshot = new SecretSnapshot(options) { Version = Path.GetFileName(folder) };
            try
            {
                ReadFolder(folder, string.Empty, realRoot, snapshot, kubelet: true, depth: 0);
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

    public static SecretSourceException Missing(string root) => new(
        $"The secrets volume folder '{root}' does not exist. Mount the Secret volume at this path, or mark the source optional to start empty and load it when it appears.");

    private static string? ReadDataLink(string root) => new FileInfo(Path.Join(root, DataLink)).LinkTarget;

    private static void ReadFolder(string folder, string prefix, string realRoot, SecretSnapshot snapshot, bool kubelet, int depth)
    {
        var entries = new FileSystemEnumerable<Entry>(
            folder,
            static (ref FileSystemEntry e) => new Entry(e.FileName.ToString(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0),
            s_listing);
        foreach (var entry in entries)
        {
            if (entry.Name.StartsWith("..", StringComparison.Ordinal))
            {
                continue; // kubelet internals (..data, ..data_tmp, ..<timestamp>) are never keys
            }

            var path = Path.Join(folder, entry.Name);
            var name = prefix.Length == 0 ? entry.Name : string.Concat(prefix, "/", entry.Name);
            var isDirectory = entry.IsDirectory;
            if (entry.IsLink)
            {
                var target = PathResolver.RealPath(path);
                if (target is null)
                {
                    continue; // a dangling link is an absent key (kubelet removes links after the swap)
                }

                if (!PathResolver.IsInside(target, realRoot))
                {
                    snapshot.AddFailure(name, $"the symbolic link '{path}' resolves outside the mount '{realRoot}' and is refused");
                    continue;
                }

                isDirectory = Directory.Exists(target);
            }

            if (!isDirectory)
            {
                ReadFile(path, name, snapshot, kubelet);
            }
            else if (depth < MaxDepth)
            {
                ReadFolder(path, name, realRoot, snapshot, kubelet, depth + 1);
            }
            else
            {
                snapshot.AddFailure(name, $"the folder '{path}' is nested deeper than {MaxDepth} levels and is not read");
            }
        }
    }

    private static void ReadFile(string path, string name, SecretSnapshot snapshot, bool kubelet)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(handle);
            if (length > SecretSnapshot.MaxValueBytes)
            {
                snapshot.AddFailure(name, $"the file '{path}' is {length} bytes, over the 1 MiB limit of a Kubernetes Secret, and is refused");
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
        catch (IOException ex) when (!kubelet && ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Deleted between listing and reading: the key is absent.
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException || (ex is IOException && ex is not FileNotFoundException and not DirectoryNotFoundException))
        {
            snapshot.AddFailure(name, $"the file '{path}' could not be read: {ex.Message}");
        }
    }

    private readonly record struct Entry(string Name, bool IsDirectory, bool IsLink);
}

/// <summary>The result of one read: the snapshot (null when unchanged) and the kubelet generation, if any.</summary>
internal readonly record struct VolumeRead(SecretSnapshot? Snapshot, string? Generation);
