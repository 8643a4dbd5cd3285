using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

/// <summary>
/// Watches a mount folder itself, where the kubelet's rename of <c>..data_tmp</c> over
/// <c>..data</c> is an event. When notifications cannot start or fail, <see cref="IsWatching"/>
/// turns false and the source polls; every later read tries to watch again.
/// </summary>
internal sealed partial class VolumeWatcher(string root, VolumeSecretOptions options, Action changed, ILogger logger) : IDisposable
{
    private readonly Lock _lock = new();
    private FileSystemWatcher? _watcher;
    private bool _fallbackLogged;
    private bool _disposed;

    public bool IsWatching
    {
        get
        {
            lock (_lock)
            {
                return _watcher is not null;
            }
        }
    }

    /// <summary>Starts watching if possible; drops a watcher whose folder has gone.</summary>
    public void EnsureWatching(bool recursive)
    {
        lock (_lock)
        {
            if (_disposed || !options.UseFileWatcher)
            {
                return;
            }

            var exists = Directory.Exists(root);
            if (_watcher is not null)
            {
                if (!exists)
                {
                    Drop();
                }

                return;
            }

            if (!exists)
            {
                return;
            }

            FileSystemWatcher? watcher = null;
            try
            {
                watcher = options.WatcherFactory?.Invoke(root) ?? new FileSystemWatcher(root);
                watcher.IncludeSubdirectories = recursive;
                watcher.NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes;
                watcher.Created += OnChanged;
                watcher.Changed += OnChanged;
                watcher.Deleted += OnChanged;
                watcher.Renamed += OnChanged;
                watcher.Error += OnError;
                watcher.EnableRaisingEvents = true;
                _watcher = watcher;
                _fallbackLogged = false;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
            {
                watcher?.Dispose();
                if (!_fallbackLogged)
                {
                    _fallbackLogged = true;
                    Log.WatcherUnavailable(logger, root, ex.Message, options.PollInterval);
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            Drop();
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e) => changed();

    private void OnError(object sender, ErrorEventArgs e)
    {
        lock (_lock)
        {
            if (ReferenceEquals(sender, _watcher))
            {
                Drop();
            }
        }

        Log.WatcherFailed(logger, root, e.GetException().GetType().Name, options.PollInterval);
        changed();
    }

    private void Drop()
    {
        _watcher?.Dispose();
        _watcher = null;
    }

    private static partial class Log
    {
        [LoggerMessage(101, LogLevel.Warning, "Cannot watch the secrets volume '{Root}' for changes ({Reason}); polling it every {Interval} instead.", EventName = "WatcherUnavailable")]
        public static partial void WatcherUnavailable(ILogger logger, string root, string reason, TimeSpan interval);

        [LoggerMessage(102, LogLevel.Warning, "Watching the secrets volume '{Root}' failed ({Reason}); polling it every {Interval} until watching works again.", EventName = "WatcherFailed")]
        public static partial void WatcherFailed(ILogger logger, string root, string reason, TimeSpan interval);
    }
}
