using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace K8sSecrets.Configuration;

/// <summary>
/// An <see cref="IOptionsMonitor{TOptions}"/> that, for the names marked with
/// <c>KeepLastValidOnReload</c>, publishes a reload only when its options pass validation: an
/// invalid reload is logged and counted, <see cref="Get"/> keeps returning the last valid
/// instance, and no listener is called. The first value of a name is created as the stock monitor
/// does, so invalid options still fail at start-up.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed partial class LastValidOptionsMonitor<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor | DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>
    : IOptionsMonitor<TOptions>, IDisposable
    where TOptions : class
{
    private readonly IOptionsFactory<TOptions> _factory;
    private readonly HashSet<string> _keptNames;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TOptions> _current = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _registrations = [];
    private readonly Lock _gate = new();
    private Action<TOptions, string?>[] _listeners = [];

    public LastValidOptionsMonitor(
        IOptionsFactory<TOptions> factory,
        IEnumerable<IOptionsChangeTokenSource<TOptions>> sources,
        IEnumerable<KeepLastValidName<TOptions>> keptNames,
        ILoggerFactory? loggerFactory = null)
    {
        _factory = factory;
        _keptNames = keptNames.Select(static k => k.Name).ToHashSet(StringComparer.Ordinal);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("K8sSecrets.Configuration.KeepLastValidOnReload");
        foreach (var source in sources)
        {
            var name = source.Name ?? Options.DefaultName;
            _registrations.Add(ChangeToken.OnChange(source.GetChangeToken, () => Reload(name)));
        }
    }

    public TOptions CurrentValue => Get(Options.DefaultName);

    public TOptions Get(string? name)
    {
        name ??= Options.DefaultName;
        if (_current.TryGetValue(name, out var options))
        {
            return options;
        }

        lock (_gate)
        {
            if (!_current.TryGetValue(name, out options))
            {
                // First value: created as the stock monitor does, so invalid options throw here.
                options = _factory.Create(name);
                _current[name] = options;
            }

            return options;
        }
    }

    public IDisposable? OnChange(Action<TOptions, string?> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
        {
            _listeners = [.. _listeners, listener];
        }

        return new Subscription(this, listener);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    /// <summary>Creates the options again after a change; publishes and notifies only when they are valid.</summary>
    /// <remarks>Runs under the lock so that listeners see reloads in order and one at a time.</remarks>
    private void Reload(string name)
    {
        lock (_gate)
        {
            TOptions options;
            try
            {
                options = _factory.Create(name);
            }
            catch (OptionsValidationException ex) when (_keptNames.Contains(name))
            {
                var members = ValidationFailureMembers.Describe(typeof(TOptions), ex);
                var kept = _current.ContainsKey(name);
                Log.Rejected(_logger, typeof(TOptions).FullName ?? typeof(TOptions).Name, name, members, kept);
                RotationTelemetry.OptionsRejected.Add(1, RotationTelemetry.OptionsTags(typeof(TOptions), name));
                return;
            }
            catch (OptionsValidationException)
            {
                // Not kept: behave as the stock monitor, whose next Get throws too.
                _current.TryRemove(name, out _);
                throw;
            }

            _current[name] = options;
            foreach (var listener in _listeners)
            {
                listener(options, name);
            }
        }
    }

    private void Remove(Action<TOptions, string?> listener)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_listeners, listener);
            if (index >= 0)
            {
                _listeners = [.. _listeners[..index], .. _listeners[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(LastValidOptionsMonitor<TOptions> owner, Action<TOptions, string?> listener) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(listener);
            }
        }
    }
}
