using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Chaos.Tests.Soak;

/// <summary>
/// Formats every record, at every level, as a sink would, keeps none of them (a soak must not grow
/// its own log), and counts the records that carry the rotated values' sentinel.
/// </summary>
internal sealed class CountingLoggerProvider(string sentinel) : ILoggerProvider, ILogger
{
    private long _records;
    private long _leaks;
    private string? _firstLeak;

    public long Records => Interlocked.Read(ref _records);

    public long Leaks => Interlocked.Read(ref _leaks);

    public string? FirstLeak => Volatile.Read(ref _firstLeak);

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Interlocked.Increment(ref _records);
        var text = formatter(state, exception) + " " + exception;
        if (state is IEnumerable<KeyValuePair<string, object?>> fields)
        {
            text += string.Join(",", fields.Select(f => f.Key + "=" + f.Value));
        }

        if (text.Contains(sentinel, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _leaks);
            Interlocked.CompareExchange(ref _firstLeak, $"{logLevel} {eventId.Name}", null);
        }
    }

    public void Dispose()
    {
    }
}
