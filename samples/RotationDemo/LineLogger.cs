using Microsoft.Extensions.Logging;

/// <summary>
/// Prints the library's log lines on the calling thread, so they come out in order with the demo's
/// own lines (the console logger writes from a background queue, which lets them drift).
/// </summary>
internal sealed class LineLogger : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Console.WriteLine($"            [library {logLevel.ToString().ToLowerInvariant()}] {formatter(state, exception)}");
        }
    }

    public void Dispose()
    {
    }
}
