namespace K8sSecrets.Configuration.ExternalSecrets;

/// <summary>One stored secret an ExternalSecret reads: what a store's source must fetch.</summary>
public sealed class ExternalSecretRemoteRef
{
    internal ExternalSecretRemoteRef(string id, string key, string? version, string fieldPath)
    {
        Id = id;
        Key = key;
        Version = version;
        FieldPath = fieldPath;
    }

    /// <summary>Gets the name the store's source gives the value in its snapshot.</summary>
    public string Id { get; }

    /// <summary>Gets the store's key (<c>remoteRef.key</c>; for legacy manifests <c>data[].key</c>).</summary>
    public string Key { get; }

    /// <summary>Gets the version asked for, or <see langword="null"/> for the current one.</summary>
    public string? Version { get; }

    /// <summary>Gets where the reference is written, for example <c>spec.data[1].remoteRef</c>.</summary>
    public string FieldPath { get; }
}
