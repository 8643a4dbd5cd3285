using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// A Secret volume in a temp folder, written exactly as the kubelet's AtomicWriter does: a new
/// <c>..&lt;UTC timestamp&gt;.&lt;random&gt;</c> folder, a <c>..data_tmp</c> link renamed over
/// <c>..data</c>, top-level links <c>key -&gt; ..data/key</c> created once, stale links removed,
/// then the old generation deleted. Identical content writes nothing.
/// </summary>
public sealed partial class KubeletVolume : IDisposable
{
    public const string DataLink = "..data";

    public KubeletVolume(string? root = null)
    {
        Root = root ?? Path.Combine(Path.GetTempPath(), "k8ssecrets-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Gets the name of the generation folder <c>..data</c> points to, or null.</summary>
    public string? Generation => new FileInfo(Path.Join(Root, DataLink)).LinkTarget;

    public bool Write(params (string Key, string Value)[] payload)
        => WriteAsync(payload.ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value))).GetAwaiter().GetResult();

    public bool Write(IReadOnlyDictionary<string, byte[]> payload) => WriteAsync(payload).GetAwaiter().GetResult();

    /// <summary>Writes the payload; <paramref name="before"/> runs before each step (to pause or inspect).</summary>
    /// <returns>Whether a new generation was written.</returns>
    /// <param name="payload">The Secret's keys (paths) and bytes.</param>
    /// <param name="before">Runs before each step, to pause or inspect.</param>
    /// <param name="force">Write a new generation even if the content is identical (a writer that does not compare).</param>
    public async Task<bool> WriteAsync(IReadOnlyDictionary<string, byte[]> payload, Func<KubeletStep, Task>? before = null, bool force = false)
    {
        before ??= static _ => Task.CompletedTask;
        var oldName = Generation;
        var oldDir = oldName is null ? null : Path.Join(Root, oldName);
        if (!force && oldDir is not null && Directory.Exists(oldDir) && SameContent(oldDir, payload))
        {
            CreateVisibleLinks(payload);
            return false;
        }

        await before(KubeletStep.WriteGeneration);
        var name = ".." + DateTime.UtcNow.ToString("yyyy_MM_dd_HH_mm_ss", CultureInfo.InvariantCulture) + "." + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        var dir = Path.Join(Root, name);
        Directory.CreateDirectory(dir);
        foreach (var (key, value) in payload)
        {
            var path = Path.Join(dir, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, value);
        }

        await before(KubeletStep.LinkDataTmp);
        var tmp = Path.Join(Root, "..data_tmp");
        File.CreateSymbolicLink(tmp, name);

        await before(KubeletStep.SwapData);
        Rename(tmp, Path.Join(Root, DataLink));

        await before(KubeletStep.CreateVisibleLinks);
        CreateVisibleLinks(payload);

        await before(KubeletStep.RemoveStaleLinks);
        var wanted = payload.Keys.Select(FirstElement).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in Directory.EnumerateFileSystemEntries(Root, "*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            var entryName = Path.GetFileName(entry);
            if (!entryName.StartsWith("..", StringComparison.Ordinal) && !wanted.Contains(entryName))
            {
                File.Delete(entry);
            }
        }

        await before(KubeletStep.RemoveOldGeneration);
        if (oldDir is not null && Directory.Exists(oldDir))
        {
            Directory.Delete(oldDir, recursive: true);
        }

        return true;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    private void CreateVisibleLinks(IReadOnlyDictionary<string, byte[]> payload)
    {
        foreach (var first in payload.Keys.Select(FirstElement).Distinct(StringComparer.Ordinal))
        {
            var link = Path.Join(Root, first);
            if (new FileInfo(link).LinkTarget is null && !Path.Exists(link))
            {
                File.CreateSymbolicLink(link, DataLink + "/" + first);
            }
        }
    }

    private static bool SameContent(string dir, IReadOnlyDictionary<string, byte[]> payload)
    {
        var onDisk = Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(dir, f))
            .ToHashSet(StringComparer.Ordinal);
        return onDisk.SetEquals(payload.Keys)
            && payload.All(p => File.ReadAllBytes(Path.Join(dir, p.Key)).AsSpan().SequenceEqual(p.Value));
    }

    private static string FirstElement(string key) => key.Split('/')[0];

    private static void Rename(string from, string to)
    {
        if (rename(from, to) != 0)
        {
            throw new IOException($"rename {from} -> {to} failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string oldpath, string newpath);
}
