using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// Everything one seed runs in: the fake clock, the HTTP handlers the sources send through, the log
/// capture (each line is searched for the sentinel and every credential as it is written), the model
/// of the store, and the violations found so far. It also decides when the system is quiescent.
/// </summary>
internal sealed class ChaosWorld : IDisposable
{
    /// <summary>How many fingerprint samples in a row must agree before the system counts as quiescent.</summary>
    private const int StableSamples = 3;

    /// <summary>How many of the last log lines a failure prints.</summary>
    private const int TailLines = 40;

    /// <summary>A bounded real wait: a system that never settles is reported, not waited for forever.</summary>
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(10);

    private readonly ConcurrentBag<ChaosHandler> _handlers = [];
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly FakeLogCollector _logs;
    private IChaosTarget? _target;
    private int _warnings;
    private int _notes;
    private readonly Queue<string> _tail = new();

    public ChaosWorld(ChaosStore store)
    {
        Store = store;
        _logs = FakeLogCollector.Create(new FakeLogCollectorOptions { OutputSink = CheckLogLine, OutputFormatter = Render });
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
    }

    public ChaosClock Clock { get; } = new();

    public ChaosStore Store { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ChaosObserver? Observer { get; set; }

    /// <summary>Gets how often settling hit its real-time limit (the run goes on; it is printed with a failure).</summary>
    public int SettleTimeouts { get; private set; }

    /// <summary>Gets how many times the runner waited for quiescence.</summary>
    public int Settles { get; private set; }

    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Gets the fake time since the run started, for messages.</summary>
    public TimeSpan Elapsed => Clock.Fake.GetUtcNow() - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public void Attach(IChaosTarget target) => _target = target;

    /// <summary>
    /// A new client-side handler; every HTTP client of the source must be built on one. Over sockets
    /// by default; <paramref name="chained"/> leaves the inner handler to a client that chains it itself.
    /// </summary>
    public ChaosHandler NewHandler(bool chained = false, HttpMessageHandler? inner = null)
    {
        var handler = chained ? new ChaosHandler(Clock) : ChaosHandler.Over(Clock, inner);
        _handlers.Add(handler);
        return handler;
    }

    /// <summary>Plays a connection fault on the next request of every handler.</summary>
    public void EnqueueConnectionFault(ConnectionFault fault)
    {
        foreach (var handler in _handlers)
        {
            handler.Enqueue(fault);
        }
    }

    public void ClearConnectionFaults()
    {
        foreach (var handler in _handlers)
        {
            handler.Clear();
        }
    }

    /// <summary>Records something odd that is not a violation; it is printed with the log tail.</summary>
    public void Note(string message)
    {
        Interlocked.Increment(ref _notes);
        CheckLogLine($"NOTE (harness) {message}");
    }

    /// <summary>Gets how many notes were taken (see <see cref="Note"/>).</summary>
    public int Notes => Volatile.Read(ref _notes);

    public void Violation(string message) => _violations.Enqueue($"[t+{Elapsed.TotalSeconds:0.###} s] {message}");

    /// <summary>
    /// Waits (real time, bounded) until the system is quiescent: no HTTP request in flight except those
    /// parked on the fake clock, and nothing moved (timers armed or fired, requests sent or answered,
    /// log lines, publishes, the fake store's requests) over <see cref="StableSamples"/> samples a
    /// millisecond or more apart. Only then may fake time move: whatever the system would do at the
    /// current instant has been done.
    /// </summary>
    public async Task SettleAsync()
    {
        Settles++;
        var started = Environment.TickCount64;
        var last = Fingerprint();
        var stable = 0;
        while (stable < StableSamples)
        {
            await Task.Yield();
            Thread.Sleep(1);
            var now = Fingerprint();
            if (now == last && _handlers.Sum(h => h.Busy) == 0)
            {
                stable++;
            }
            else
            {
                stable = 0;
                last = now;
            }

            if (Environment.TickCount64 - started > SettleLimit.TotalMilliseconds)
            {
                SettleTimeouts++;
                var first = Fingerprint();
                await Task.Delay(100);
                Violation($"the system did not settle within {SettleLimit.TotalSeconds:0} s of real time with fake time stopped (busy requests {_handlers.Sum(h => h.Busy)}; over 100 ms: {first} -> {Fingerprint()} as (timer changes, requests sent, requests ended, log lines, reloads, store requests); open: {string.Join("; ", _handlers.SelectMany(h => h.Open))}): something works without end at one instant");
                return;
            }
        }
    }

    /// <summary>
    /// Moves fake time forward by <paramref name="by"/>, jumping from one due timer to the next and
    /// settling after each, so that every timer fires at its own time with the system caught up.
    /// </summary>
    /// <returns>False when timers kept falling due without time moving (a spin), which is reported.</returns>
    public async Task<bool> AdvanceAsync(TimeSpan by)
    {
        var target = Clock.Fake.GetUtcNow() + by;
        await SettleAsync();
        for (var jumps = 0; ; jumps++)
        {
            if (jumps > 5_000)
            {
                Violation($"more than 5,000 timers fell due within {by.TotalSeconds:0.###} s of fake time: a timer spins");
                return false;
            }

            var now = Clock.Fake.GetUtcNow();
            if (Clock.NextDue is not { } due || due > target)
            {
                if (target > now)
                {
                    Clock.Fake.Advance(target - now);
                    await SettleAsync();
                }

                return true;
            }

            Clock.Fake.Advance(due > now ? due - now : TimeSpan.FromTicks(1));
            await SettleAsync();
        }
    }

    /// <summary>Gets the last log lines (values are in them only if invariant e failed).</summary>
    public IReadOnlyList<string> LogTail()
    {
        lock (_tail)
        {
            return [.. _tail];
        }
    }

    public void Dispose() => LoggerFactory.Dispose();

    private (long, long, long, int, long, long) Fingerprint()
        => (Clock.Version, _handlers.Sum(h => h.Started), _handlers.Sum(h => h.Finished), _logs.Count, Observer?.Reloads ?? 0, _target?.Activity ?? 0);

    private static string Render(FakeLogRecord record) => string.Join(
        " | ",
        record.Level,
        record.Message,
        record.Exception?.ToString(),
        string.Join(",", record.StructuredState?.Select(s => s.Key + "=" + s.Value) ?? []));

    /// <summary>Gets how many Warning and Error lines were logged: evidence that the faults bit.</summary>
    public int Warnings => Volatile.Read(ref _warnings);

    /// <summary>Invariant (e): no value and no credential in any log line, checked as each line is written.</summary>
    private void CheckLogLine(string line)
    {
        lock (_tail)
        {
            _tail.Enqueue($"[t+{Elapsed.TotalSeconds:0.###} s] {line}");
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }

        if (line.StartsWith(nameof(LogLevel.Warning), StringComparison.Ordinal) || line.StartsWith(nameof(LogLevel.Error), StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _warnings);
        }

        if (line.Contains(ChaosStore.Sentinel, StringComparison.Ordinal))
        {
            Violation($"(e) a secret value reached a log line: {line}");
        }

        foreach (var credential in _target?.Credentials ?? [])
        {
            if (line.Contains(credential, StringComparison.Ordinal))
            {
                Violation($"(e) a credential reached a log line: {line.Replace(credential, "<credential>", StringComparison.Ordinal)}");
            }
        }
    }
}
