using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>
/// Secrets read from the Kubernetes API: one informer (list + watch) per named Secret, plus one
/// for a label selector. The informers keep the latest state in memory and ask the engine for a
/// refresh; <see cref="LoadAsync"/> builds the snapshot from that state.
/// </summary>
internal sealed partial class ApiSecretSource : SecretSource, IInformerOwner
{
    private readonly ApiSecretOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SecretInformer[] _informers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private ApiConnection? _connection;
    private SecretSourceSignals? _signals;
    private Task[] _loops = [];
    private long _generation;
    private long _returnedGeneration = -1;
    private int _disposed;

    public ApiSecretSource(ApiSecretOptions options, SecretSourceContext context, ApiConnection? connection)
        : this(options, context, connection, connection?.Namespace ?? ApiConnection.ResolveNamespace(options.Namespace, ApiConnection.ServiceAccountDirectory, ApiConnection.KubeconfigNamespace))
    {
    }

    private ApiSecretSource(ApiSecretOptions options, SecretSourceContext context, ApiConnection? connection, string @namespace)
        : base("kubernetes-api", Describe(@namespace, options), options)
    {
        _options = options;
        _time = context.TimeProvider;
        _logger = context.LoggerFactory.CreateLogger<ApiSecretSource>();
        _connection = connection;
        Namespace = @namespace;
        var informerLogger = context.LoggerFactory.CreateLogger<SecretInformer>();
        var informers = options.SecretNames
            .Select(name => new SecretInformer(this, @namespace, name, labelSelector: null, options, context, informerLogger))
            .ToList();
        if (!string.IsNullOrWhiteSpace(options.LabelSelector))
        {
            informers.Add(new SecretInformer(this, @namespace, secretName: null, options.LabelSelector, options, context, informerLogger));
        }

        _informers = [.. informers];
    }

    public string Namespace { get; }

    /// <summary>Gets a task that completes when every informer loop has stopped.</summary>
    internal Task Completion
    {
        get
        {
            lock (_lock)
            {
                return Task.WhenAll(_loops);
            }
        }
    }

    public override async ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken)
    {
        bool watching;
        lock (_lock)
        {
            watching = _signals is not null;
        }

        if (!watching)
        {
            await InitialListAsync(cancellationToken).ConfigureAwait(false);
        }

        var generation = Interlocked.Read(ref _generation);
        if (!context.ReadAll && generation == _returnedGeneration)
        {
            return SecretLoadResult.Unchanged();
        }

        var snapshot = NewSnapshot();
        var versions = new List<string>();
        foreach (var informer in _informers)
        {
            foreach (var secret in informer.Secrets())
            {
                versions.Add($"{secret.Name}@{secret.ResourceVersion}");
                foreach (var (key, value) in secret.Data.OrderBy(static p => p.Key, StringComparer.Ordinal))
                {
                    snapshot.Add(key, value);
                }
            }
        }

        snapshot.Version = versions.Count switch
        {
            0 => "none",
            <= 4 => string.Join(",", versions),
            _ => $"{versions.Count} Secrets, change {generation}",
        };
        _returnedGeneration = generation;
        return SecretLoadResult.Read(snapshot);
    }

    public override void StartWatching(SecretSourceSignals signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        lock (_lock)
        {
            if (_signals is not null || Volatile.Read(ref _disposed) == 1)
            {
                return;
            }

            _signals = signals;
            var stopping = _stopping.Token;
            _loops = [.. _informers.Select(informer => Task.Run(() => RunInformerAsync(informer, stopping), CancellationToken.None))];
        }
    }

    ApiConnection IInformerOwner.Connect()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
            return _connection ??= ApiConnection.Create(_options, Namespace, _time);
        }
    }

    bool IInformerOwner.ReloadToken()
    {
        ApiConnection? connection;
        lock (_lock)
        {
            connection = _connection;
        }

        if (connection?.Token is not { } token)
        {
            return false;
        }

        token.Invalidate();
        return true;
    }

    void IInformerOwner.DataChanged()
    {
        Interlocked.Increment(ref _generation);
        Signals?.RequestRefresh();
    }

    void IInformerOwner.Report(SecretInformer informer, ApiFailure? failure)
    {
        if (Signals is not { } signals)
        {
            return; // the first list's failures are the first load's, reported by the engine
        }

        if (failure is not { } f)
        {
            if (_informers.All(static i => i.Failure is null))
            {
                signals.ReportRecovered();
            }

            return;
        }

        signals.ReportFailure(new SecretSourceException(
            $"Listing or watching {informer.Target} failed: {f.Description}. The last good values stay published while it retries."
            + (f.IsForbidden ? " " + Messages.RbacRule(informer) : string.Empty))
        {
            IsTransient = !f.IsForbidden && !f.IsUnauthorized,
        });
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            Task loops;
            lock (_lock)
            {
                loops = Task.WhenAll(_loops);
            }

            try
            {
                loops.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The loops end by cancellation; a fault was already logged.
            }

            lock (_lock)
            {
                _connection?.Dispose();
            }

            _stopping.Dispose();
        }

        base.Dispose(disposing);
    }

    private static string Describe(string @namespace, ApiSecretOptions options)
    {
        var parts = new List<string>(options.SecretNames);
        if (!string.IsNullOrWhiteSpace(options.LabelSelector))
        {
            parts.Add($"[{options.LabelSelector}]");
        }

        return $"{@namespace}/{string.Join(",", parts)}";
    }

    private async Task InitialListAsync(CancellationToken cancellationToken)
    {
        var pending = _informers.Where(static i => !i.HasListed).ToArray();
        var tasks = pending.Select(i => i.InitialListAsync(!Options.Optional, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception) when (tasks.Select(static t => t.Exception?.InnerException).FirstOrDefault(static e => e is not null) is { } first)
        {
            throw first is SecretSourceException ? first : new SecretSourceException($"Could not read {this}: {ApiFailure.From(first).Description}.");
        }
    }

    private async Task RunInformerAsync(SecretInformer informer, CancellationToken stopping)
    {
        try
        {
            await informer.RunAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposed.
        }
        catch (Exception ex)
        {
            Log.InformerFault(_logger, informer.Target, ApiFailure.From(ex).Description);
        }
    }

    private SecretSourceSignals? Signals
    {
        get
        {
            lock (_lock)
            {
                return _signals;
            }
        }
    }
}
