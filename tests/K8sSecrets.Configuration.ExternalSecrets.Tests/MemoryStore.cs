using K8sSecrets.Configuration.ExternalSecrets;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>
/// A store translator over an in-memory map of store keys to stored text, plugged in through the
/// public seam (<see cref="ExternalSecretOptions.AddStore"/>): it lets the table test apply each
/// provider's rules without that provider's wire protocol.
/// </summary>
public sealed class MemoryStore(string provider, ExternalSecretValueRules rules) : IExternalSecretStore
{
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);

    public ExternalSecretStoreRequest? LastRequest { get; private set; }

    public string Provider => provider;

    public ExternalSecretValueRules ValueRules => rules;

    public Func<SecretSourceContext, SecretSource> Prepare(ExternalSecretStoreRequest request)
    {
        LastRequest = request;
        return _ => new Source(this, request);
    }

    private sealed class Source(MemoryStore store, ExternalSecretStoreRequest request) : SecretSource("memory", "memory", new Options())
    {
        public override ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
        {
            var snapshot = NewSnapshot();
            foreach (var reference in request.RemoteRefs)
            {
                if (store.Values.TryGetValue(reference.Key, out var value))
                {
                    snapshot.Add(reference.Id, value);
                }
            }

            return ValueTask.FromResult(SecretLoadResult.Read(snapshot));
        }
    }

    private sealed class Options : SecretSourceOptions;
}
