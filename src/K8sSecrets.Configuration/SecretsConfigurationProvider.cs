using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

/// <summary>
/// The configuration provider behind every secret source, and the one refresh engine they
/// share: it loads a <see cref="SecretSource"/>, publishes its snapshot atomically, raises a
/// reload exactly once per real change, keeps the last good values through failures, and
/// retries with backoff until disposed.
/// </summary>
/// <remarks>
/// Find it with <c>configuration.GetSecretsProviders()</c> (chained configurations included)
/// to read its health, force a refresh or subscribe to <see cref="Changed"/>.
/// </remarks>
public sealed partial class SecretsConfigurationProvider : ConfigurationProvider, IDisposable
{
    [ThreadStatic]
    private static bool t_inCallback;

    private readonly RefreshSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RefreshSignal _signal = new();
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _healthLock = new();
    private readonly BuildGroup? _group;
    private readonly PreviousValues? _previous;
    private DateTimeOffset? _lastSuccess;
    private long _lastSuccessTimestamp;
    private DateTimeOffset? _lastFailure;
    private string? _lastError;
    private int _consecutiveFailures;
    private int _backgroundFailures;
    private Exception? _lastException;
    private TimeSpan? _nextRead;
    private Deadline _readDue;
    private Dictionary<string, string?> _current = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _loopLock = new();
    private Task? _loop;
    private bool _loaded;
    private int _disposed;

    internal SecretsConfigurationProvider(SecretSource source, RefreshSettings settings, IConfigurationBuilder builder)
    {
        Source = source;
        _settings = settings;
        _time = settings.TimeProvider;
        _logger = settings.LoggerFactory.CreateLogger<SecretsConfigurationProvider>();
        _group = BuildGroup.Join(builder, this);
        _previous = CreatePreviousValues(source.Options);
    }

    /// <summary>Raised after a change is published, with the names (never the values) of the keys it touched.</summary>
    public event EventHandler<SecretsChangedEventArgs>? Changed;

    /// <summary>Gets the kind of store, for example <c>volume</c>.</summary>
    public string SourceKind => Source.Kind;

    /// <summary>Gets what the source reads, for example its folder.</summary>
    public string SourceName => Source.Name;

    internal SecretSource Source { get; }

    internal Task Completion => _loop ?? Task.CompletedTask;

    /// <summary>
    /// Loads the source. The first call reads it (a required source that cannot be read throws a
    /// <see cref="SecretSourceException"/>) and starts watching it; later calls, such as
    /// <c>IConfigurationRoot.Reload()</c>, read it again and never throw.
    /// </summary>
    public override void Load()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (_loaded)
        {
            RefreshAsync(CancellationToken.None).GetAwaiter().GetResult();
            return;
        }

        _group?.Loading();
        var failure = LoadWithinStartupBudget();
        if (failure is not null && !Source.Options.Optional)
        {
            Source.Dispose();
            _group?.Failed(this);
            throw FirstLoadFailure(failure);
        }

        SecretsTelemetry.Track(this);
        _loaded = true;
        StartWatching();
        StartLoopIfDue();
    }

    /// <summary>Reads the source now, even if it reports no change, and publishes what changed.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the read succeeded.</returns>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        return await RefreshCoreAsync(SecretLoadReason.Forced, linked.Token).ConfigureAwait(false) is null;
    }

    /// <summary>Gets how the source is doing: last success, last error, staleness, keys whose last read failed, expiries.</summary>
    /// <returns>A snapshot of the source's health.</returns>
    public SecretSourceHealth GetHealth()
    {
        lock (_healthLock)
        {
            return new SecretSourceHealth(
                _lastSuccess,
                _lastFailure,
                _lastError,
                Math.Max(_consecutiveFailures, _backgroundFailures),
                _lastSuccess is null ? null : _time.GetElapsedTime(_lastSuccessTimestamp),
                _expiries,
                FailingKeys(),
                _time.GetUtcNow());
        }
    }

    /// <summary>
    /// What <c>Build()</c> throws for a required source: a message that names the source (with two
    /// sources of one kind, the reader must see which failed). A foreign exception's text, and so its
    /// inner chain, may hold a response body: only its type is named.
    /// </summary>
    private SecretSourceException FirstLoadFailure(Exception failure) => failure switch
    {
        SecretSourceException own when own.Message.Contains(Source.Name, StringComparison.Ordinal) => own,
        SecretSourceException own => new SecretSourceException($"{Source}: {own.Message}") { IsTransient = own.IsTransient, IsThrottled = own.IsThrottled, RetryAfter = own.RetryAfter },
        _ => new SecretSourceException($"Could not load the secrets of {Source}: {Describe(failure)}."),
    };

    /// <inheritdoc />
    public override string ToString()
        => $"{nameof(SecretsConfigurationProvider)} for {Source} ({(Source.Options.Optional ? "Optional" : "Required")})";

    /// <summary>Stops all background work and releases the source.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Task? loop;
        lock (_loopLock)
        {
            _stopping.Cancel();
            loop = _loop;
        }

        SecretsTelemetry.Untrack(this);
        if (!t_inCallback && loop is not null)
        {
            try
            {
                loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // The loop ends by cancellation; nothing else to report.
            }
        }

        Source.Dispose();
    }
}
