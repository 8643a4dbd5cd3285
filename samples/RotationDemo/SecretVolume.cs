using System.Globalization;
using System.Runtime.InteropServices;

/// <summary>
/// Writes a folder the way the kubelet writes a Secret volume: each version of the Secret goes into a
/// new hidden folder (<c>..2026_12_06_15_30_00.123</c>), the <c>..data</c> symlink is switched to it in one
/// rename, and each key is a visible symlink through <c>..data</c>. Self-contained, so this demo can be
/// copied out of the repository as it is.
/// </summary>
internal sealed partial class SecretVolume : IDisposable
{
    public SecretVolume() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Join(Path.GetTempPath(), "rotation-demo-" + Guid.NewGuid().ToString("N")[..8]);

    public string? Generation => new FileInfo(Path.Join(Root, "..data")).LinkTarget;

    /// <summary>Publishes a new version of the Secret, as the kubelet's AtomicWriter does.</summary>
    /// <param name="keys">Each key's file name and content.</param>
    /// <returns>When <c>..data</c> was switched (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</returns>
    public long Publish(IReadOnlyDictionary<string, string> keys)
    {
        var previous = Generation;
        var generation = ".." + DateTime.UtcNow.ToString("yyyy_MM_dd_HH_mm_ss.fffffff", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(Path.Join(Root, generation));
        foreach (var (name, value) in keys)
        {
            File.WriteAllText(Path.Join(Root, generation, name), value);
        }

        // The one atomic step: a temporary link to the new folder is renamed over ..data.
        var temporary = Path.Join(Root, "..data_tmp");
        File.CreateSymbolicLink(temporary, generation);
        if (rename(temporary, Path.Join(Root, "..data")) != 0)
        {
            throw new IOException($"rename(2) of {temporary} failed with errno {Marshal.GetLastPInvokeError()}");
        }

        var switchedAt = System.Diagnostics.Stopwatch.GetTimestamp();

        foreach (var name in keys.Keys.Where(name => !Path.Exists(Path.Join(Root, name))))
        {
            File.CreateSymbolicLink(Path.Join(Root, name), Path.Join("..data", name));
        }

        if (previous is not null && previous != generation)
        {
            Directory.Delete(Path.Join(Root, previous), recursive: true);
        }

        return switchedAt;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    // File.Move follows a link to a folder and refuses it; rename(2) replaces the link itself, atomically.
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string oldpath, string newpath);
}
