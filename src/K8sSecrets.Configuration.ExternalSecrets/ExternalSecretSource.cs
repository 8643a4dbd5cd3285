using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.ExternalSecrets;

/// <summary>
/// Adapts a store's source, which reads the stored secrets an ExternalSecret names, into the keys
/// of the Secret the controller would write. Polling, retries and rotation are the store source's;
/// this class only applies the key rules to each snapshot.
/// </summary>
internal sealed partial class ExternalSecretSource : SecretSource
{
    private readonly ExternalSecretPlan _plan;
    private readonly SecretSource _store;
    private readonly SecretDataBuilder _builder;
    private readonly ILogger _logger;
    private bool _loaded;

    public ExternalSecretSource(ExternalSecretOptions options, ExternalSecretPlan plan, SecretSource store, SecretSourceContext context)
        : base("external-secret", plan.Description, options)
    {
        _plan = plan;
        _store = store;
        _builder = new SecretDataBuilder(plan);
        _logger = context.LoggerFactory.CreateLogger<ExternalSecretSource>();
    }

    /// <inheritdoc />
    public override TimeSpan? PollInterval => _plan.RefreshInterval is null ? null : _store.PollInterval;

    public override async ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        var result = await _store.LoadAsync(context, cancellationToken).ConfigureAwait(false);
        var next = _plan.RefreshInterval is null ? null : result.NextRead;
        if (result.Snapshot is not { } stored)
        {
            return next is { } wait ? SecretLoadResult.Unchanged(wait) : SecretLoadResult.Unchanged();
        }

        var data = _builder.Build(
            stored.Entries.ToDictionary(static e => e.Key, static e => e.Value, StringComparer.Ordinal),
            stored.Failures.GroupBy(static f => f.Key, StringComparer.Ordinal).ToDictionary(static g => g.Key, static g => g.First().Value, StringComparer.Ordinal));
        if (!_loaded && !Options.Optional && data.Failures.Count > 0)
        {
            throw new SecretSourceException(
                $"{_plan.Description}: {data.Failures[0].Value}{(data.Failures.Count > 1 ? $" (and {data.Failures.Count - 1} more)" : string.Empty)}.")
            { IsTransient = false };
        }

        _loaded = true;
        var snapshot = NewSnapshot();
        snapshot.Version = stored.Version;
        foreach (var (name, value) in data.Values)
        {
            if (value.Bytes is { } bytes)
            {
                snapshot.Add(name, bytes);
            }
            else
            {
                snapshot.Add(name, value.Text);
            }
        }

        foreach (var (name, reason) in data.Failures)
        {
            Log.KeyKept(_logger, _plan.Description, name, reason);
            snapshot.AddFailure(name, reason);
        }

        return next is { } after ? SecretLoadResult.Read(snapshot, after) : SecretLoadResult.Read(snapshot);
    }

    public override void StartWatching(SecretSourceSignals signals) => _store.StartWatching(signals);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _store.Dispose();
        }

        base.Dispose(disposing);
    }
}
