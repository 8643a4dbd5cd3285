namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// The store behind one conformance run: a fake (or a folder) the test writes to and breaks. Each
/// name written becomes one configuration key of the same name (below the source's section).
/// </summary>
public interface IConformanceStore : IAsyncDisposable
{
    /// <summary>Gets text a failure of the source must name, so a reader knows which source failed (a folder, a path, <c>namespace/name</c>).</summary>
    string SourceName { get; }

    /// <summary>Gets how many requests the store has served so far (0 if it cannot tell, as a folder cannot).</summary>
    int Requests { get; }

    /// <summary>Writes <paramref name="name"/> = <paramref name="value"/> as a new version of the store's content, even when nothing differs.</summary>
    Task SetAsync(string name, string value);

    /// <summary>Removes <paramref name="name"/> (a new version without it).</summary>
    Task RemoveAsync(string name);

    /// <summary>Makes the store unreachable or unreadable, as in an outage.</summary>
    Task BreakAsync();

    /// <summary>Ends the outage: the store answers again with the content it held.</summary>
    Task HealAsync();
}
