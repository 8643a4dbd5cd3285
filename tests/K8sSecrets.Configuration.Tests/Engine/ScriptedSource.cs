namespace K8sSecrets.Configuration.Tests;

/// <summary>A source for the operations tests: values, expiries and an identity the test sets; can answer Unchanged.</summary>
internal sealed class ScriptedSource(string name) : SecretSource("scripted", name, new FakeSecretSource.Settings())
{
    private readonly Lock _lock = new();
    private (string Name, string? Value)[] _values = [];
    private (string Name, DateTimeOffset At, SecretExpiryKind Kind)[] _expiries = [];

    private int _loads;

    public int Loads => Volatile.Read(ref _loads);

    public bool AnswerUnchanged { get; set; }

    public string? Who { get; set; }

    public string? Version { get; set; }

    public SecretSourceSignals? Signals { get; private set; }

    public override string? Identity => Who;

    public void Set((string Name, string? Value)[] values, params (string Name, DateTimeOffset At, SecretExpiryKind Kind)[] expiries)
    {
        lock (_lock)
        {
            _values = values;
            _expiries = expiries;
        }
    }

    public override ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Interlocked.Increment(ref _loads);
            if (AnswerUnchanged && !context.ReadAll)
            {
                return ValueTask.FromResult(SecretLoadResult.Unchanged());
            }

            var snapshot = NewSnapshot();
            snapshot.Version = Version;
            foreach (var (key, value) in _values)
            {
                snapshot.Add(key, value);
            }

            foreach (var (key, at, kind) in _expiries)
            {
                if (kind == SecretExpiryKind.Expires)
                {
                    snapshot.AddExpiry(key, at);
                }
                else
                {
                    snapshot.AddNextRotation(key, at);
                }
            }

            return ValueTask.FromResult(SecretLoadResult.Read(snapshot));
        }
    }

    public override void StartWatching(SecretSourceSignals signals) => Signals = signals;
}
