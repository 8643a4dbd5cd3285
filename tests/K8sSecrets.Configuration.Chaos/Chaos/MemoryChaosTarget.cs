using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>
/// A store in memory read by a polling source of this file, with one deliberate defect
/// (<see cref="Mutation"/>): it exists to show that the harness catches each kind of violation, so
/// that "0 violations" from the real sources means something.
/// </summary>
internal sealed class MemoryChaosTarget(MemoryChaosTarget.Mutation mutation) : IChaosTarget
{
    private readonly Lock _lock = new();
    private readonly Mutation _mutation = mutation;
    private readonly Dictionary<int, Dictionary<string, string>> _groups = [];
    private int _failNext;
    private long _reads;

    public enum Mutation
    {
        /// <summary>No defect: the control, which must pass.</summary>
        None,

        /// <summary>Keeps g0k0 at the first value it read: g0 then mixes versions (a).</summary>
        StaleKey,

        /// <summary>Leaves out g1k1 once it changed: a key the store has goes missing (b).</summary>
        DropsKey,

        /// <summary>Stops reading after its first failure: never converges (c).</summary>
        StuckAfterFailure,

        /// <summary>Logs a value at Trace: a value reaches a log line (e).</summary>
        LogsValue,
    }

    public string Name => $"memory-{_mutation}";

    public int Groups => 2;

    public int KeysPerGroup => 3;

    public bool CanDeleteGroup => false;

    public bool WritesManyGroups => true;

    /// <summary>The source polls every 5 s and retries within MaxRetryDelay (30 s).</summary>
    public TimeSpan ConvergenceBound => TimeSpan.FromSeconds(60);

    public long Activity => Interlocked.Read(ref _reads);

    public IEnumerable<string> Credentials => [];

    public Task StartAsync(ChaosWorld world) => Task.CompletedTask;

    public void AddSource(KubernetesSecretsBuilder secrets) => secrets.AddSource(context => new Source(this, context.LoggerFactory.CreateLogger("memory")));

    public Task WriteAsync(WriteStep write)
    {
        lock (_lock)
        {
            foreach (var (group, mask) in write.Masks)
            {
                _groups[group] = ChaosStore.Content(write.N, group, mask);
            }
        }

        return Task.CompletedTask;
    }

    public FaultStep NextFault(Random random) => new("fail", random.Next(1, 4));

    public Task ApplyAsync(FaultStep fault)
    {
        Interlocked.Add(ref _failNext, fault.Arg);
        return Task.CompletedTask;
    }

    public Task HealAsync()
    {
        Volatile.Write(ref _failNext, 0);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Source(MemoryChaosTarget target, ILogger logger) : SecretSource("memory", "chaos", new Options())
    {
        private string? _stale;
        private bool _stuck;
        private string? _firstG1k1;

        public override TimeSpan? PollInterval => TimeSpan.FromSeconds(5);

        public override ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref target._reads);
            if (_stuck)
            {
                return ValueTask.FromResult(SecretLoadResult.Unchanged(TimeSpan.FromSeconds(5)));
            }

            if (Interlocked.Decrement(ref target._failNext) >= 0)
            {
                _stuck = target._mutation == Mutation.StuckAfterFailure;
                throw new SecretSourceException("chaos: the memory store failed");
            }

            Interlocked.Exchange(ref target._failNext, 0);
            var snapshot = NewSnapshot();
            lock (target._lock)
            {
                foreach (var (_, keys) in target._groups.OrderBy(g => g.Key))
                {
                    foreach (var (key, value) in keys)
                    {
                        if (Mutate(key, value) is { } published)
                        {
                            snapshot.Add(key, published);
                        }
                    }
                }
            }

            return ValueTask.FromResult(SecretLoadResult.Read(snapshot, TimeSpan.FromSeconds(5)));
        }

        private string? Mutate(string key, string value)
        {
            switch (target._mutation)
            {
                case Mutation.StaleKey when key == "g0k0":
                    return _stale ??= value;
                case Mutation.DropsKey when key == "g1k1":
                    _firstG1k1 ??= value;
                    return value == _firstG1k1 ? value : null;
                case Mutation.LogsValue:
                    logger.LogTrace("read {Key} = {Value}", key, value);
                    return value;
                default:
                    return value;
            }
        }
    }

    private sealed class Options : SecretSourceOptions;
}
