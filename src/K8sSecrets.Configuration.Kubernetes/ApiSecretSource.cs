using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

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
    private Action? _requestRefresh;
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
            .Select(name => new SecretInformer(this, @namespace, name, labelSelector: null, options, _time, informerLogger))
            .ToList();
        if (!string.IsNullOrWhiteSpace(options.LabelSelector))
        {
            informers.Add(new SecretInformer(this, @namespace, secretName: null, options.LabelSelector, options, _time, informerLogger));
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

    public override async ValueTask<SecretSnapshot?> LoadAsync(bool force, CancellationToken cancellationToken)
    {
        bool watching;
        lock (_lock)
        {
            watching = _requestRefresh is not null;
        }

        var generation = Interlocked.Read(ref _generation);
        if (!watching)
        {
            await InitialListAsync(cancellationToken).ConfigureAwait(false);
            generation = Interlocked.Read(ref _generation);
        }
        else if (generation == _returnedGeneration
            && _informers.Select(static i => (i, i.Failure)).FirstOrDefault(static p => p.Failure is not null) is ({ } failing, { } failure))
        {
            // Nothing new to publish and a watch is failing: report it, so that health, metrics and
            // logs show the outage. New data from a healthy informer is still published first.
            throw new SecretSourceException(
                $"The watch of {failing.Target} is failing: {failure.Description}. The last good values stay published while it retries."
                + (failure.IsForbidden ? " " + Messages.RbacRule(failing) : string.Empty))
            {
                IsTransient = !failure.IsForbidden,
                RetryAfter = failure.RetryAfter,
            };
        }

        if (!force && generation == _returnedGeneration)
        {
            return null;
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
        return snapshot;
    }

    public override void StartWatching(Action requestRefresh)
    {
        ArgumentNullException.ThrowIfNull(requestRefresh);
        lock (_lock)
        {
            if (_requestRefresh is not null || Volatile.Read(ref _disposed) == 1)
            {
                return;
            }

            _requestRefresh = requestRefresh;
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
        RequestRefresh();
    }

    void IInformerOwner.StatusChanged() => RequestRefresh();

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

    private void RequestRefresh()
    {
        Action? requestRefresh;
        lock (_lock)
        {
            requestRefresh = _requestRefresh;
        }

        requestRefresh?.Invoke();
    }
}
