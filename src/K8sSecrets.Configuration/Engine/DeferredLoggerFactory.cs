using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

/// <summary>
/// The logger factory of a builder that was given none. Configuration is built before the host's
/// logging exists, so until a host attaches its factory this keeps the Information-and-above records
/// (the first load, a source that started empty, failures; at most <see cref="Capacity"/>), and
/// replays them once into the attached factory, which every logger created here then writes to.
/// The records kept are the library's own log lines, which never hold a value.
/// </summary>
internal sealed partial class DeferredLoggerFactory : ILoggerFactory
{
    public const int Capacity = 200;

    private readonly Lock _gate = new();
    private List<Action<ILoggerFactory>>? _pending = [];
    private int _dropped;
    private volatile ILoggerFactory? _target;

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    /// <summary>Sends every logger of this factory to <paramref name="target"/>, after replaying what was kept; only the first call counts.</summary>
    /// <returns><see langword="true"/> when this call attached the factory.</returns>
    public bool Attach(ILoggerFactory target)
    {
        List<Action<ILoggerFactory>> pending;
        int dropped;
        lock (_gate)
        {
            if (_pending is null)
            {
                return false;
            }

            (pending, dropped) = (_pending, _dropped);
            _pending = null;

            // Replayed under the lock, so a record logged meanwhile by a refresh comes after the ones it follows.
            foreach (var replay in pending)
            {
                replay(target);
            }

            if (dropped > 0)
            {
                Log.Dropped(target.CreateLogger("K8sSecrets.Configuration"), dropped, Capacity);
            }

            _target = target;
        }

        return true;
    }

    public void AddProvider(ILoggerProvider provider)
        => throw new NotSupportedException("Attach a logger factory instead (builder.AddKubernetesSecrets does so when the host starts).");

    public void Dispose()
    {
    }

    private void Keep<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ILoggerFactory? target;
        lock (_gate)
        {
            target = _target;
            if (target is null && _pending is { } pending)
            {
                if (pending.Count < Capacity)
                {
                    pending.Add(factory => factory.CreateLogger(category).Log(level, eventId, state, exception, formatter));
                }
                else
                {
                    _dropped++;
                }

                return;
            }
        }

        target?.CreateLogger(category).Log(level, eventId, state, exception, formatter);
    }

    private sealed class DeferredLogger(DeferredLoggerFactory owner, string category) : ILogger
    {
        private Resolved? _resolved;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => Resolve()?.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel)
            => Resolve() is { } logger ? logger.IsEnabled(logLevel) : logLevel is >= LogLevel.Information and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (Resolve() is { } logger)
            {
                logger.Log(logLevel, eventId, state, exception, formatter);
            }
            else if (IsEnabled(logLevel))
            {
                owner.Keep(category, logLevel, eventId, state, exception, formatter);
            }
        }

        private ILogger? Resolve()
        {
            if (owner._target is not { } target)
            {
                return null;
            }

            if (_resolved is { } resolved && ReferenceEquals(resolved.Factory, target))
            {
                return resolved.Logger;
            }

            ILogger logger;
            try
            {
                logger = target.CreateLogger(category);
            }
            catch (ObjectDisposedException)
            {
                // The host that attached its factory is gone (a configuration that outlives its host): log nowhere.
                logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
            }

            _resolved = new Resolved(target, logger);
            return logger;
        }

        /// <summary>One reference, so a logger read on another thread is never torn from its factory.</summary>
        private sealed record Resolved(ILoggerFactory Factory, ILogger Logger);
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "{Count} log records written before the host's logging started were dropped; only the first {Capacity} are kept.", EventName = "EarlyLogsDropped")]
        public static partial void Dropped(ILogger logger, int count, int capacity);
    }
}
