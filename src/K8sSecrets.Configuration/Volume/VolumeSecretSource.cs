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

    public VolumeSecretSource(string path, VolumeSecretOptions options, SecretSourceContext context)
        : base("volume", Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)), options)
    {
        _options = options;
        _logger = context.LoggerFactory.CreateLogger<VolumeSecretSource>();
        _time = context.TimeProvider;
    }

    public override TimeSpan? PollInterval => _watcher is { IsWatching: false } ? _options.PollingInterval : null;

    public override TimeSpan Debounce => _isKubelet ? TimeSpan.Zero : _options.Debounce;

    public override ValueTask<SecretSnapshot?> LoadAsync(bool force, CancellationToken cancellationToken)
    {
        _watcher?.EnsureWatching(recursive: !_isKubelet);
        var mark = _watcher?.BeginRead(plain: !_isKubelet);
        VolumeRead read;
        try
        {
            read = VolumeReader.Read(Name, _options, force ? null : _cleanGeneration);
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

        // A plain folder that changed while it was read may hold a half-written file: keep the
        // published values (null = unchanged); the watcher has asked for another read after Debounce.
        return mark is { } started && _watcher!.DiscardRead(started, read)
            ? ValueTask.FromResult<SecretSnapshot?>(null)
            : ValueTask.FromResult(read.Snapshot);
    }

    public override void StartWatching(Action requestRefresh)
    {
        if (_options.ReloadOnChange)
        {
            _watcher = new VolumeWatcher(Name, _options, requestRefresh, _logger, _time);
            _watcher.EnsureWatching(recursive: !_isKubelet);

            // A change between the first read and the start of watching would go unseen: check once more.
            requestRefresh();
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
