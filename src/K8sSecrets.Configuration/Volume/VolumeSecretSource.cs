using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

/// <summary>A Secret mounted as a volume, or any folder of one-file-per-key secrets.</summary>
internal sealed class VolumeSecretSource : SecretSource
{
    private readonly VolumeSecretOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private VolumeWatcher? _watcher;
    private string? _cleanGeneration;
    private bool _isKubelet;
    private bool _hadKeys;

    public VolumeSecretSource(string path, VolumeSecretOptions options, SecretSourceContext context)
        : base("volume", Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)), options)
    {
        _options = options;
        _logger = context.LoggerFactory.CreateLogger<VolumeSecretSource>();
        _time = context.TimeProvider;
    }

    /// <summary>Gets the poll interval while the folder is not watched (notifications off, unavailable, or not started yet), else <see langword="null"/>.</summary>
    public override TimeSpan? PollInterval => _watcher is { IsWatching: false } ? _options.PollInterval : null;

    public override ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        _watcher?.EnsureWatching(recursive: !_isKubelet);
        _options.BeforeRead?.Invoke();
        var mark = _watcher?.BeginRead(plain: !_isKubelet);
        VolumeRead read;
        try
        {
            read = VolumeReader.Read(Name, _options, context.ReadAll ? null : _cleanGeneration);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SecretSourceException($"The secrets volume '{Name}' could not be read: {ex.Message}", ex);
        }

        if (_isKubelet && read.Generation is null)
        {
            // Mid-removal (an unmount, rm -rf) a kubelet volume loses ..data first: never read that as a plain, empty folder.
            throw new SecretSourceException(
                $"The kubelet volume '{Name}' has lost its '{VolumeReader.DataLink}' link; it is being removed or remounted. The last good values stay published until it is back.");
        }

        _isKubelet = read.Generation is not null;
        _cleanGeneration = read.Snapshot is { Failures.Count: > 0 } ? null : read.Generation;

        // A plain folder that changed just before or while it was read may hold a half-written file:
        // keep the published values (unchanged); the watcher has asked for another read after Debounce.
        var snapshot = mark is { } started && _watcher!.DiscardRead(started, read) ? null : read.Snapshot;
        if (snapshot is not null)
        {
            CheckNotEmptied(snapshot);
        }

        var poll = PollInterval;
        var result = snapshot is not null
            ? (poll is { } p ? SecretLoadResult.Read(snapshot, p) : SecretLoadResult.Read(snapshot))
            : (poll is { } w ? SecretLoadResult.Unchanged(w) : SecretLoadResult.Unchanged());
        return ValueTask.FromResult(result);
    }

    /// <summary>
    /// A plain folder that held keys and now holds none is treated like a vanished one (an
    /// <c>rm</c> of every file, a sync tool mid-rewrite): the last good values stay. A kubelet
    /// volume's empty generation is a Secret with no keys, published as it is.
    /// </summary>
    private void CheckNotEmptied(SecretSnapshot snapshot)
    {
        var empty = snapshot.Entries.Count == 0 && snapshot.Failures.Count == 0;
        if (empty && _hadKeys && !_isKubelet)
        {
            throw new SecretSourceException(
                $"The secrets folder '{Name}' is now empty; an emptied plain folder is treated like a vanished one, so the last good values stay published. Put the files back (they are read at once), or restart the app to start from the empty folder.");
        }

        _hadKeys = !empty;
    }

    public override void StartWatching(SecretSourceSignals signals)
    {
        if (_options.ReloadOnChange)
        {
            // A kubelet swap is atomic and read at once; a plain folder is read once it has been quiet.
            void Changed() => signals.RequestRefresh(_isKubelet ? TimeSpan.Zero : _options.Debounce);
            _watcher = new VolumeWatcher(Name, _options, Changed, _logger, _time);
            _watcher.EnsureWatching(recursive: !_isKubelet);

            // A change between the first read and the start of watching would go unseen: check once more.
            Changed();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _watcher?.Dispose();
        }

        base.Dispose(disposing);
    }
}
