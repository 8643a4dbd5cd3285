namespace K8sSecrets.Configuration.HealthChecks.Tests;

/// <summary>A source whose values, expiries and failure the test sets.</summary>
internal sealed class StubSource(string name) : SecretSource("stub", name, new StubSource.Settings())
{
    private readonly Lock _lock = new();
    private (string Name, string Value)[] _values = [("Key", "value")];
    private (string Name, DateTimeOffset At)[] _expiries = [];
    private (string Name, string Reason)[] _failures = [];
    private Exception? _error;

    public void Set((string Name, string Value)[] values, params (string Name, DateTimeOffset At)[] expiries)
    {
        lock (_lock)
        {
            _values = values;
            _expiries = expiries;
            _failures = [];
            _error = null;
        }
    }

    /// <summary>The next reads succeed, but report these names as failed (each keeps its last good value).</summary>
    public void FailKeys(params (string Name, string Reason)[] failures)
    {
        lock (_lock)
        {
            _failures = failures;
        }
    }

    public void Fail(Exception error)
    {
        lock (_lock)
        {
            _error = error;
        }
    }

    public override ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_error is not null)
            {
                throw _error;
            }

            var snapshot = NewSnapshot();
            foreach (var (key, value) in _values)
            {
                snapshot.Add(key, value);
            }

            foreach (var (key, reason) in _failures)
            {
                snapshot.AddFailure(key, reason);
            }

            foreach (var (key, at) in _expiries)
            {
                snapshot.AddExpiry(key, at);
            }

            return ValueTask.FromResult(SecretLoadResult.Read(snapshot));
        }
    }

    internal sealed class Settings : SecretSourceOptions
    {
    }
}
