using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration;

/// <summary>
/// Stops the application, after a random delay within the configured window, when a published
/// change touches keys declared with <c>RestartWhenChanged</c>; cancels the stop if they all
/// change back to the values the application started with.
/// </summary>
internal sealed partial class SecretsRestartService : IHostedService, IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly IOptions<SecretsRestartOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<Watched> _watched = [];
    private TimeSpan _minDelay;
    private TimeSpan _maxDelay;
    private ITimer? _timer;
    private object? _ticket;
    private bool _stopping;

    public SecretsRestartService(
        IConfiguration configuration,
        IHostApplicationLifetime lifetime,
        IOptions<SecretsRestartOptions> options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        _configuration = configuration;
        _lifetime = lifetime;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("K8sSecrets.Configuration.RestartWhenChanged");
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = _options.Value; // throws OptionsValidationException for a bad window
        _minDelay = settings.MinDelay;
        _maxDelay = settings.MaxDelay;
        var providers = _configuration.GetSecretsProviders();
        lock (_gate)
        {
            foreach (var provider in providers)
            {
                if (RestartRule.For(provider) is not { } rule)
                {
                    continue;
                }

                // A source that has not loaded yet (optional, absent at start) takes its first load as the baseline.
                var baseline = provider.GetHealth().LastSuccess is null ? null : rule.Fingerprint(provider);
                var watched = new Watched(this, provider, rule, baseline);
                _watched.Add(watched);
                provider.Changed += watched.OnChanged;
                Log.Watching(_logger, provider.SourceKind, provider.SourceName, string.Join(", ", rule.Keys), _minDelay, _maxDelay);
            }
        }

        if (_watched.Count == 0)
        {
            Log.NothingToWatch(_logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var watched in _watched)
            {
                watched.Provider.Changed -= watched.OnChanged;
            }

            _watched.Clear();
            _ticket = null;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void OnChanged(Watched watched, SecretsChangedEventArgs change)
    {
        var touched = change.Added.Concat(change.Changed).Concat(change.Removed).Where(watched.Rule.Covers).ToList();
        if (touched.Count == 0)
        {
            return;
        }

        var fingerprint = watched.Rule.Fingerprint(watched.Provider);
        lock (_gate)
        {
            if (_stopping || !_watched.Contains(watched))
            {
                return;
            }

            if (watched.Baseline is null)
            {
                watched.Baseline = fingerprint;
                Log.FirstLoad(_logger, watched.Provider.SourceKind, watched.Provider.SourceName);
                return;
            }

            watched.Differs = !fingerprint.AsSpan().SequenceEqual(watched.Baseline);
            if (_watched.Exists(static w => w.Differs))
            {
                if (_ticket is null)
                {
                    Schedule(watched.Provider, touched);
                }
                else
                {
                    Log.StillScheduled(_logger, watched.Provider.SourceKind, watched.Provider.SourceName, string.Join(", ", touched));
                }
            }
            else if (_ticket is not null)
            {
                _ticket = null;
                _timer?.Dispose();
                _timer = null;
                Log.Cancelled(_logger, watched.Provider.SourceKind, watched.Provider.SourceName);
                RotationTelemetry.Restarts.Add(1, RotationTelemetry.RestartTags("cancelled"));
            }
        }
    }

    private void Schedule(SecretsConfigurationProvider provider, List<string> touched)
    {
        var delay = _minDelay + ((_maxDelay - _minDelay) * Random.Shared.NextDouble());
        var ticket = new object();
        _ticket = ticket;
        Log.Scheduled(_logger, provider.SourceKind, provider.SourceName, string.Join(", ", touched), delay);
        RotationTelemetry.Restarts.Add(1, RotationTelemetry.RestartTags("scheduled"));
        var timer = _time.CreateTimer(static state => ((Ticket)state!).Fire(), new Ticket(this, ticket), delay, Timeout.InfiniteTimeSpan);
        if (ReferenceEquals(_ticket, ticket))
        {
            _timer = timer;
        }
        else
        {
            timer.Dispose();
        }
    }

    private void Fire(object ticket)
    {
        lock (_gate)
        {
            if (_stopping || !ReferenceEquals(_ticket, ticket))
            {
                return;
            }

            _stopping = true;
            _ticket = null;
            Log.Stopping(_logger);
            RotationTelemetry.Restarts.Add(1, RotationTelemetry.RestartTags("stopped"));
        }

        // StopApplication runs every ApplicationStopping callback synchronously, and those may block
        // (a drain, a flush). Run it on a thread of its own, once per process: never on the thread that
        // published the change, nor on the timer's pool thread.
        var stopper = new Thread(static lifetime => ((IHostApplicationLifetime)lifetime!).StopApplication())
        {
            IsBackground = true,
            Name = "K8sSecrets restart",
        };
        stopper.Start(_lifetime);
    }

    private sealed class Watched(SecretsRestartService owner, SecretsConfigurationProvider provider, RestartRule rule, byte[]? baseline)
    {
        public SecretsConfigurationProvider Provider { get; } = provider;

        public RestartRule Rule { get; } = rule;

        public byte[]? Baseline { get; set; } = baseline;

        public bool Differs { get; set; }

        public void OnChanged(object? sender, SecretsChangedEventArgs change) => owner.OnChanged(this, change);
    }

    private sealed class Ticket(SecretsRestartService owner, object ticket)
    {
        public void Fire() => owner.Fire(ticket);
    }
}
