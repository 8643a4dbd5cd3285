using System.Diagnostics.CodeAnalysis;
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace K8sSecrets.Configuration;

/// <summary>
/// The scoped <see cref="IOptionsSnapshot{TOptions}"/> for a type using <c>KeepLastValidOnReload</c>:
/// kept names come from the monitor (its last valid value, fixed for the scope), so a request never
/// sees invalid options either; other names are created per scope as usual.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed class LastValidOptionsSnapshot<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
    IOptionsMonitor<TOptions> monitor,
    IOptionsFactory<TOptions> factory,
    IEnumerable<KeepLastValidName<TOptions>> keptNames) : IOptionsSnapshot<TOptions>
    where TOptions : class
{
    private readonly HashSet<string> _keptNames = keptNames.Select(static k => k.Name).ToHashSet(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TOptions> _scope = new(StringComparer.Ordinal);

    public TOptions Value => Get(Options.DefaultName);

    public TOptions Get(string? name)
    {
        name ??= Options.DefaultName;
        return _scope.GetOrAdd(name, n => _keptNames.Contains(n) ? monitor.Get(n) : factory.Create(n));
    }
}
