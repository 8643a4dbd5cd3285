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

    public Action? RequestRefresh { get; private set; }

    public TimeSpan? Poll { get; set; }

    public override TimeSpan? PollInterval => Poll;

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
        RequestRefresh?.Invoke();
    }

    public override ValueTask<SecretSnapshot?> LoadAsync(bool force, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Interlocked.Increment(ref _loads);
            if (_error is not null)
            {
                throw _error;
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

            return ValueTask.FromResult<SecretSnapshot?>(snapshot);
        }
    }

    public override void StartWatching(Action requestRefresh) => RequestRefresh = requestRefresh;

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    internal sealed class Settings : SecretSourceOptions
    {
    }
}
