using System.Text.Json;

namespace K8sSecrets.Configuration.ExternalSecrets;

/// <summary>What a store translator gets: the store's provider block, the references to read and the settings.</summary>
public sealed class ExternalSecretStoreRequest
{
    internal ExternalSecretStoreRequest(
        string where,
        string providerPath,
        JsonElement provider,
        bool legacy,
        IReadOnlyList<ExternalSecretRemoteRef> remoteRefs,
        TimeSpan? refreshInterval,
        ExternalSecretOptions options)
    {
        Where = where;
        ProviderPath = providerPath;
        Provider = provider;
        IsLegacy = legacy;
        RemoteRefs = remoteRefs;
        RefreshInterval = refreshInterval;
        Options = options;
    }

    /// <summary>Gets the file (and document) the provider block is in, for messages.</summary>
    public string Where { get; }

    /// <summary>Gets the field path of <see cref="Provider"/>, for example <c>spec.provider.vault</c> (legacy: <c>spec</c>).</summary>
    public string ProviderPath { get; }

    /// <summary>
    /// Gets the provider block as JSON: mappings are objects, sequences arrays, YAML <c>null</c>/<c>~</c>
    /// is <c>null</c>, and every other scalar is a string holding its YAML text (<c>2</c> is <c>"2"</c>).
    /// For a legacy <c>kubernetes-client.io/v1</c> manifest it is the ExternalSecret's <c>spec</c>.
    /// </summary>
    public JsonElement Provider { get; }

    /// <summary>Gets a value indicating whether the manifest is a legacy kubernetes-external-secrets one, whose keys are full store paths.</summary>
    public bool IsLegacy { get; }

    /// <summary>Gets the stored secrets to read, one per distinct key and version.</summary>
    public IReadOnlyList<ExternalSecretRemoteRef> RemoteRefs { get; }

    /// <summary>Gets how often to read the store again, or <see langword="null"/> to read it once.</summary>
    public TimeSpan? RefreshInterval { get; }

    /// <summary>Gets the settings given to <c>FromExternalSecret</c>.</summary>
    public ExternalSecretOptions Options { get; }

    /// <summary>Gets the provider block with its field path, for the in-repo translators' field checks.</summary>
    internal Manifests.ManifestNode ProviderNode
        => new(new Manifests.ManifestDocument(string.Empty, 0, Provider) { WhereText = Where }, Provider, ProviderPath);

    /// <summary>Makes the error for a field that is missing, invalid or not supported.</summary>
    /// <param name="fieldPath">The field, for example <c>spec.provider.vault.auth.ldap</c>.</param>
    /// <param name="problem">What is wrong and what is supported.</param>
    /// <returns>The exception to throw.</returns>
    public SecretSourceException Invalid(string fieldPath, string problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(fieldPath);
        ArgumentException.ThrowIfNullOrEmpty(problem);
        return Manifests.ManifestErrors.Invalid(Where, fieldPath, problem);
    }

    /// <summary>
    /// Finds the file a <c>SecretKeySelector</c> (<c>{name, key}</c>) of the store is mounted at,
    /// as mapped with <see cref="ExternalSecretOptions.MapKeyToFile"/>.
    /// </summary>
    /// <param name="fieldPath">The selector's field path, for messages.</param>
    /// <param name="selector">The selector.</param>
    /// <param name="defaultKey">The key when the selector names none, or <see langword="null"/> when it must.</param>
    /// <returns>The file path.</returns>
    /// <exception cref="SecretSourceException">The selector is malformed or not mapped.</exception>
    public string ResolveFile(string fieldPath, JsonElement selector, string? defaultKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(fieldPath);
        if (selector.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(fieldPath, "must be a mapping with name and key");
        }

        var name = selector.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        var key = selector.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : defaultKey;
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(key))
        {
            throw Invalid(fieldPath, "needs name and key");
        }

        return Options.FindMappedFile(name, key)
            ?? throw Invalid(
                fieldPath,
                $"names key '{key}' of '{name}', which the controller would read from the cluster. Mount it into the pod and map it: "
                + $"es.MapKeyToFile(\"{name}\", \"{key}\", \"/path/to/mounted/file\")");
    }
}
