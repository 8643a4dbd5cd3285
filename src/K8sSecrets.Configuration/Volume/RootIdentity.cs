namespace K8sSecrets.Configuration;

/// <summary>
/// What a mount folder path leads to right now: its real path (links resolved) and, on Linux, its
/// device and inode. When either changes, the folder was swapped by a rename or a root link was
/// repointed, and a watcher on the old folder sees nothing more.
/// </summary>
internal readonly record struct RootIdentity(string RealPath, ulong Device, ulong Inode)
{
    /// <summary>The identity of <paramref name="root"/>, or <see langword="null"/> when it does not exist.</summary>
    public static RootIdentity? Of(string root)
    {
        try
        {
            var real = PathResolver.RealPath(root);
            if (real is null || !Directory.Exists(real))
            {
                return null;
            }

            var (device, inode) = UnixFiles.Identity(real);
            return new RootIdentity(real, device, inode);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
