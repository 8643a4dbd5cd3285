namespace K8sSecrets.Configuration;

/// <summary>Which configuration keys a published change added, changed or removed: names only.</summary>
public sealed class SecretsChangedEventArgs : EventArgs
{
    internal SecretsChangedEventArgs(IReadOnlyList<string> added, IReadOnlyList<string> changed, IReadOnlyList<string> removed, string? version)
    {
        Added = added;
        Changed = changed;
        Removed = removed;
        Version = version;
    }

    /// <summary>Gets the keys that appeared.</summary>
    public IReadOnlyList<string> Added { get; }

    /// <summary>Gets the keys whose value changed.</summary>
    public IReadOnlyList<string> Changed { get; }

    /// <summary>Gets the keys that disappeared.</summary>
    public IReadOnlyList<string> Removed { get; }

    /// <summary>Gets the source's label of the generation now published, if it has one.</summary>
    public string? Version { get; }
}
