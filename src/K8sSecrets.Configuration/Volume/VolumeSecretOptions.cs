namespace K8sSecrets.Configuration;

/// <summary>Settings of a mounted Secret volume (or any folder of one-file-per-key secrets).</summary>
public sealed class VolumeSecretOptions : SecretSourceOptions
{
    /// <summary>Gets or sets a value indicating whether changes are picked up without a restart.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ReloadOnChange { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the mount folder is watched with the operating
    /// system's file notifications (inotify). When they cannot start (the per-user inotify limit is
    /// shared by every container on a node) or fail later, the source polls instead.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseFileWatcher { get; set; } = true;

    /// <summary>
    /// Gets or sets how often the folder is checked when file notifications are off or unavailable,
    /// and while the folder is missing. A check of a kubelet volume reads one symbolic link. While
    /// watching, it is also how often the folder's real path and inode are compared with the watched
    /// one, so that a folder swapped by a rename or a repointed root link is watched and read anew.
    /// </summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how long a plain folder (one not written by the kubelet) must stay quiet after
    /// a change before it is read, so that a half-written file is not published. A kubelet
    /// volume's swap is atomic and is read at once. A read of a plain folder is published only when
    /// no change was seen from this long before its start until its end; otherwise it is discarded
    /// and repeated after this quiet time.
    /// </summary>
    /// <value>The default is 250 milliseconds.</value>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets the prefix of the file names that are not read, as <c>AddKeyPerFile</c>'s
    /// <c>IgnorePrefix</c>: a file whose own name (without its folder) starts with it, compared
    /// ordinally and case-sensitively, is never a key. Ignored when <see cref="IgnoreCondition"/> is set.
    /// </summary>
    /// <value>The default is <c>"ignore."</c>, <c>AddKeyPerFile</c>'s default, for every volume source
    /// (the <c>AddKubernetesSecrets(path)</c> ladder and <c>FromVolume</c> alike). Set
    /// <see langword="null"/> to read every file.</value>
    public string? IgnorePrefix { get; set; } = DefaultIgnorePrefix;

    /// <summary>
    /// Gets or sets the rule that decides which files are not read, as <c>AddKeyPerFile</c>'s
    /// <c>IgnoreCondition</c>: it receives each file's own name (without its folder) and returns
    /// <see langword="true"/> to skip it. When set, it replaces <see cref="IgnorePrefix"/>. Kubelet
    /// internals (<c>..data</c>) and, in a plain folder, hidden names are skipped before it runs.
    /// </summary>
    /// <value>The default is <see langword="null"/>: <see cref="IgnorePrefix"/> decides.</value>
    public Func<string, bool>? IgnoreCondition { get; set; }

    /// <summary>Creates the file watcher; a test seam for watchers that cannot start or that fail.</summary>
    internal Func<string, FileSystemWatcher>? WatcherFactory { get; set; }

    /// <summary>The most entries (files and folders) one read lists; a test seam, so a test need not create ten thousand files.</summary>
    internal int MaxEntries { get; set; } = VolumeReader.MaxEntries;

    /// <summary>Runs as a read of the volume starts, after the engine's quiet wait; a test seam for a write that lands just before the read.</summary>
    internal Action? BeforeRead { get; set; }

    /// <summary>Runs before each file of the volume is opened; a test seam for writers that race a read.</summary>
    internal Action<string>? BeforeFileRead { get; set; }

    internal const string DefaultIgnorePrefix = "ignore.";

    /// <summary>Whether a file of this name is left out by <see cref="IgnoreCondition"/> or <see cref="IgnorePrefix"/>.</summary>
    internal bool IsIgnored(string fileName) => IgnoreCondition is { } condition
        ? condition(fileName)
        : IgnorePrefix is { Length: > 0 } prefix && fileName.StartsWith(prefix, StringComparison.Ordinal);

    internal void CheckSettings()
    {
        SecretRetryPolicy.CheckWait(PollInterval, nameof(PollInterval));
        if (Debounce < TimeSpan.Zero || Debounce > SecretRetryPolicy.LongestWait)
        {
            throw new ArgumentOutOfRangeException(nameof(Debounce), Debounce, "Debounce must not be negative nor longer than a day.");
        }
    }
}
