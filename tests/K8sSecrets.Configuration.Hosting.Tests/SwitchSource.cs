namespace K8sSecrets.Configuration.Hosting.Tests;

/// <summary>A source whose values the test sets and whose reads it can make fail (a store with no wire protocol).</summary>
internal sealed class SwitchSource(string name, bool optional = false) : SecretSource("switch", name, new SwitchSource.Settings { Optional = optional })
{
    private readonly Lock _lock = new();
    private (string Key, string Value)[] _values = [];
    private Exception? _failure;

    public void Set(params (string Key, string Value)[] values)
    {
        lock (_lock)
        {
            _values = values;
            _failure = null;
        }
    }

    public void Fail(string reason) => Fail(new SecretSourceException($"{this}: {reason}"));

    /// <summary>Makes reads throw <paramref name="error"/> as it is (a store client's own exception, or one wrapping it).</summary>
    public void Fail(Exception error)
    {
        lock (_lock)
        {
            _failure = error;
        }
    }

    public override ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_failure is { } error)
            {
                throw error;
            }

            var snapshot = NewSnapshot();
            foreach (var (key, value) in _values)
            {
                snapshot.Add(key, value);
            }

            return ValueTask.FromResult(SecretLoadResult.Read(snapshot));
        }
    }

    public sealed class Settings : SecretSourceOptions
    {
    }
}
