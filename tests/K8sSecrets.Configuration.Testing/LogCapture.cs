using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace K8sSecrets.Configuration.Testing;

/// <summary>A logger factory that keeps every record, at every level, so tests can search them for a sentinel.</summary>
public sealed class LogCapture : IDisposable
{
    private readonly FakeLoggerProvider _provider = new();

    public LogCapture()
    {
        Factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(_provider));
    }

    public ILoggerFactory Factory { get; }

    public IReadOnlyList<FakeLogRecord> Records => _provider.Collector.GetSnapshot();

    /// <summary>Every message, state value and exception text, joined: what a log sink could see.</summary>
    public string AllText() => string.Join(
        "\n",
        Records.Select(r => string.Join(
            " | ",
            r.Message,
            r.Exception?.ToString(),
            string.Join(",", r.StructuredState?.Select(s => s.Key + "=" + s.Value) ?? []))));

    public void AssertNoSentinel(string sentinel)
    {
        var text = AllText();
        if (text.Contains(sentinel, StringComparison.Ordinal))
        {
            throw new Xunit.Sdk.XunitException($"A secret value reached the logs:\n{text}");
        }
    }

    public void Dispose() => Factory.Dispose();
}
