namespace K8sSecrets.Configuration.Tests;

/// <summary>A hand-written source for engine tests: returns what the test set, counts calls, records disposal.</summary>
internal sealed class FakeSecretSource(FakeSecretSource.Settings? options = null) : SecretSource("fake", "test-source", options ?? new Settings())
{
    private readonly Lock _lock = new();
    private Dictionary<string, string?> _values = [];
    private List<KeyValuePair<string, string>> _failures = [];
    private Exception? _error;
    private int _loads;

    public int Loads => Volatile.Read(ref _loads);

    public bool Disposed { get; private set; }

    public SecretSourceSignals? Signals { get; private set; }

    public TimeSpan? Poll { get; set; }

    public List<SecretLoadContext> Contexts { get; } = [];

    /// <summary>Gets or sets a value indicating whether a read that need not read all answers Unchanged.</summary>
    public bool AnswerUnchanged { get; set; }

    public void Set(params (string Name, string? Value)[] values)
    {
        lock (_lock)
        {
            _values = values.ToDictionary(v => v.Name, v => v.Value);
            _failures = [];
            _error = null;
        }
    }

    public void SetFailures(params (string Name, string Reason)[] failures)
    {
        lock (_lock)
        {
            _failures = failures.Select(f => new KeyValuePair<string, string>(f.Name, f.Reason)).ToList();
        }
    }

    public void Fail(Exception error)
    {
        lock (_lock)
        {
            _error = error;
        }
    }

    public void Change(params (string Name, string? Value)[] values)
    {
        Set(values);
        Signals?.RequestRefresh();
    }

    public override ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Interlocked.Increment(ref _loads);
            Contexts.Add(context);
            if (_error is not null)
            {
                throw _error;
            }

            if (AnswerUnchanged && !context.ReadAll)
            {
                return ValueTask.FromResult(SecretLoadResult.Unchanged());
            }

            var snapshot = NewSnapshot();
            foreach (var (name, value) in _values)
            {
                snapshot.Add(name, value);
            }

            foreach (var (name, reason) in _failures)
            {
                snapshot.AddFailure(name, reason);
            }

            return ValueTask.FromResult(Poll is { } poll ? SecretLoadResult.Read(snapshot, poll) : SecretLoadResult.Read(snapshot));
        }
    }

    public override void StartWatching(SecretSourceSignals signals) => Signals = signals;

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    internal sealed class Settings : SecretSourceOptions
    {
    }
}
