using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

/// <summary>
/// Watches a mount folder itself, where the kubelet's rename of <c>..data_tmp</c> over
/// <c>..data</c> is an event. When notifications cannot start or fail, <see cref="IsWatching"/>
/// turns false and the source polls; every later read tries to watch again. A watcher follows one
/// folder, not a path: every <see cref="VolumeSecretOptions.PollInterval"/> and at every read the
/// path's <see cref="RootIdentity"/> is compared with the watched one, and a replaced folder is
/// watched anew and read. It also tells the source when a plain folder was not quiet around a read:
/// a change event from <see cref="VolumeSecretOptions.Debounce"/> before the read's start until its end.
/// </summary>
internal sealed partial class VolumeWatcher : IDisposable
{
    private const int MaxDiscardedReads = 5;

    /// <summary>
    /// Replacements of the folder after which it is polled instead of watched. On Linux, .NET's
    /// <see cref="FileSystemWatcher"/> keeps a thread and an inotify instance (a per-user limit of 128 by
    /// default) for the life of the process when its folder is deleted before it is disposed
    /// (dotnet/runtime#35439): a folder replaced at every rotation would leak one of each per rotation.
    /// </summary>
    internal const int MaxRootReplacements = 8;

    private readonly Lock _lock = new();
    private readonly string _root;
    private readonly VolumeSecretOptions _options;
    private readonly Action _changed;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ITimer? _rootCheck;
    private FileSystemWatcher? _watcher;
    private RootIdentity? _watched;
    private long _changes;
    private long _lastChangeAt;
    private int _discardedReads;
    private int _replacements;
    private bool _fallbackLogged;
    private bool _disposed;

    public VolumeWatcher(string root, VolumeSecretOptions options, Action changed, ILogger logger, TimeProvider time)
    {
        _root = root;
        _options = options;
        _changed = changed;
        _logger = logger;
        _time = time;
        if (options.UseFileWatcher)
        {
            _rootCheck = time.CreateTimer(static state => ((VolumeWatcher)state!).CheckRoot(), this, options.PollInterval, options.PollInterval);
        }
    }

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

    /// <summary>Starts watching if possible; drops a watcher whose folder has gone or was replaced.</summary>
    public void EnsureWatching(bool recursive)
    {
        lock (_lock)
        {
            if (_disposed || !_options.UseFileWatcher)
            {
                return;
            }

            var current = RootIdentity.Of(_root);
            if (_watcher is not null)
            {
                if (current == _watched)
                {
                    return;
                }

                DropReplaced(current);
            }

            if (current is null || _replacements >= MaxRootReplacements)
            {
                return;
            }

            FileSystemWatcher? watcher = null;
            try
            {
                watcher = _options.WatcherFactory?.Invoke(_root) ?? new FileSystemWatcher(_root);
                watcher.IncludeSubdirectories = recursive;
                watcher.NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes;
                watcher.Created += OnChanged;
                watcher.Changed += OnChanged;
                watcher.Deleted += OnChanged;
                watcher.Renamed += OnChanged;
                watcher.Error += OnError;
                watcher.EnableRaisingEvents = true;
                _watcher = watcher;
                _watched = current; // taken before the watcher started: a swap in between is seen at the next check
                _fallbackLogged = false;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
            {
                watcher?.Dispose();
                if (!_fallbackLogged)
                {
                    _fallbackLogged = true;
                    Log.WatcherUnavailable(_logger, _root, ex.Message, _options.PollInterval);
                }
            }
        }
    }

    /// <summary>Marks the start of a read: when it started, the events seen so far and, for a plain folder, its fingerprint.</summary>
    public ReadMark BeginRead(bool plain)
    {
        var started = _time.GetTimestamp(); // before the count: an event in between counts as one just before the start
        return new(started, Interlocked.Read(ref _changes), plain ? VolumeReader.Fingerprint(_root, _options) : 0);
    }

    /// <summary>
    /// Whether a read of a plain folder must be discarded because the folder was not quiet around
    /// it: a change event arrived less than <see cref="VolumeSecretOptions.Debounce"/> before the read
    /// started (a write that began then may be half done, and the engine's quiet wait can end just
    /// before that event) or while it ran, or the folder's fingerprint moved during it. The engine is
    /// asked to read again after the quiet time. After <see cref="MaxDiscardedReads"/> discards in a
    /// row the read is kept, so a folder that never stays quiet still publishes.
    /// </summary>
    public bool DiscardRead(ReadMark mark, VolumeRead read)
    {
        if (read.Generation is not null || read.Snapshot is null)
        {
            return false;
        }

        var changed = Interlocked.Read(ref _changes) != mark.Changes
            || (mark.Changes > 0 && _time.GetElapsedTime(Volatile.Read(ref _lastChangeAt), mark.Started) < _options.Debounce)
            || VolumeReader.Fingerprint(_root, _options) != mark.Fingerprint;
        if (!changed || Interlocked.Increment(ref _discardedReads) > MaxDiscardedReads)
        {
            if (changed)
            {
                Log.NeverQuiet(_logger, _root, MaxDiscardedReads);
            }

            Volatile.Write(ref _discardedReads, 0);
            return false;
        }

        _changed();
        return true;
    }

    public void Dispose()
    {
        _rootCheck?.Dispose();
        lock (_lock)
        {
            _disposed = true;
            Drop();
        }
    }

    private void CheckRoot()
    {
        lock (_lock)
        {
            if (_disposed || _watcher is null)
            {
                return; // while polling, every poll reads through the path anyway
            }

            var current = RootIdentity.Of(_root);
            if (current == _watched)
            {
                return;
            }

            DropReplaced(current);
        }

        _changed(); // the read that follows watches the folder now at the path
    }

    private void DropReplaced(RootIdentity? current)
    {
        if (current is { } replacement)
        {
            Log.RootReplaced(_logger, _root, _watched?.RealPath ?? _root, replacement.RealPath);
        }

        Drop();
        if (++_replacements == MaxRootReplacements)
        {
            Log.StoppedWatching(_logger, _root, MaxRootReplacements, _options.PollInterval);
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        CountChange();
        _changed();
    }

    private void OnError(object sender, ErrorEventArgs e)
    {
        CountChange();
        lock (_lock)
        {
            if (ReferenceEquals(sender, _watcher))
            {
                Drop();
            }
        }

        Log.WatcherFailed(_logger, _root, e.GetException().GetType().Name, _options.PollInterval);
        _changed();
    }

    /// <summary>Records an event: its time first, so a read that counts it also sees when it came.</summary>
    private void CountChange()
    {
        Volatile.Write(ref _lastChangeAt, _time.GetTimestamp());
        Interlocked.Increment(ref _changes);
    }

    private void Drop()
    {
        _watcher?.Dispose();
        _watcher = null;
        _watched = null;
    }

    /// <summary>What a read started from: its start (a timestamp), the watcher's event count and the plain folder's fingerprint.</summary>
    internal readonly record struct ReadMark(long Started, long Changes, int Fingerprint);

    private static partial class Log
    {
        [LoggerMessage(101, LogLevel.Warning, "Cannot watch the secrets volume '{Root}' for changes ({Reason}); polling it every {Interval} instead.", EventName = "WatcherUnavailable")]
        public static partial void WatcherUnavailable(ILogger logger, string root, string reason, TimeSpan interval);

        [LoggerMessage(102, LogLevel.Warning, "Watching the secrets volume '{Root}' failed ({Reason}); polling it every {Interval} until watching works again.", EventName = "WatcherFailed")]
        public static partial void WatcherFailed(ILogger logger, string root, string reason, TimeSpan interval);

        [LoggerMessage(103, LogLevel.Information, "The secrets volume folder '{Root}' was replaced (it led to '{Old}', now to '{New}'); watching and reading the new one.", EventName = "RootReplaced")]
        public static partial void RootReplaced(ILogger logger, string root, string old, string @new);

        [LoggerMessage(104, LogLevel.Warning, "The secrets folder '{Root}' changed during {Reads} reads in a row; publishing the last read although a file may have been mid-write.", EventName = "NeverQuiet")]
        public static partial void NeverQuiet(ILogger logger, string root, int reads);

        [LoggerMessage(105, LogLevel.Warning, "The secrets folder '{Root}' was replaced or removed {Count} times; polling it every {Interval} from now on instead of watching it, since on Linux each watcher of a removed folder keeps a thread and an inotify instance (dotnet/runtime#35439). Replace the files in the folder, not the folder itself.", EventName = "StoppedWatching")]
        public static partial void StoppedWatching(ILogger logger, string root, int count, TimeSpan interval);
    }
}
