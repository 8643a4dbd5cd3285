using K8sSecrets.Configuration.Vault;

namespace K8sSecrets.Configuration.ExternalSecrets;

/// <summary>Settings of an ExternalSecret read in-process with <c>FromExternalSecret</c>.</summary>
public sealed class ExternalSecretOptions : SecretSourceOptions
{
    private readonly Dictionary<string, IExternalSecretStore> _stores = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, string Key), string> _files = [];

    /// <summary>Initializes a new instance of the <see cref="ExternalSecretOptions"/> class, with the Vault store built in.</summary>
    public ExternalSecretOptions()
    {
        AddStore(new Stores.VaultExternalSecretStore());
    }

    /// <summary>Gets or sets the file holding the SecretStore or ClusterSecretStore, when it is not in the ExternalSecret's file.</summary>
    /// <value>The default is <see langword="null"/>: the store is looked for in the ExternalSecret's file only.</value>
    public string? StorePath { get; set; }

    /// <summary>
    /// Gets or sets the service-account token (JWT) sent by the store's Kubernetes or JWT auth.
    /// The controller would request a token for the store's <c>serviceAccountRef</c>; in-process the
    /// pod's own token is sent, so bind the store's role to the pod's service account.
    /// </summary>
    /// <value>The default is the token Kubernetes projects into every pod,
    /// <c>/var/run/secrets/kubernetes.io/serviceaccount/token</c>.</value>
    public string ServiceAccountTokenPath { get; set; } = VaultSecretOptions.DefaultServiceAccountTokenPath;

    /// <summary>Gets or sets the <c>metadata.name</c> of the ExternalSecret to read, when the file holds more than one.</summary>
    /// <value>The default is <see langword="null"/>: the file must hold exactly one ExternalSecret.</value>
    public string? Name { get; set; }

    /// <summary>
    /// Gets or sets how often the store is read again, instead of the manifest's <c>refreshInterval</c>
    /// (legacy manifests have none; the default is then 10 seconds, the old controller's default).
    /// </summary>
    /// <value>The default is <see langword="null"/>: the manifest decides; <c>0</c> there means read once.</value>
    public TimeSpan? RefreshInterval { get; set; }

    internal IReadOnlyDictionary<string, IExternalSecretStore> Stores => _stores;

    internal Action<VaultSecretOptions>? VaultSettings { get; private set; }

    /// <summary>
    /// Says where a key of a Kubernetes Secret (or ConfigMap) that the store names is mounted in the
    /// pod: an AppRole <c>secretRef</c>, a <c>tokenSecretRef</c>, a <c>caProvider</c>. The controller
    /// reads those from the cluster; in-process they are read from the mounted file.
    /// </summary>
    /// <param name="name">The Secret or ConfigMap's name, as the manifest spells it.</param>
    /// <param name="key">The key, as the manifest spells it.</param>
    /// <param name="path">The mounted file.</param>
    /// <returns>These options.</returns>
    public ExternalSecretOptions MapKeyToFile(string name, string key, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _files[(name, key)] = path;
        return this;
    }

    /// <summary>
    /// Adjusts the Vault settings made from a <c>vault</c> store (or a legacy <c>backendType: vault</c>)
    /// after they are read from the manifest: a client certificate, a request timeout, another
    /// address or auth method.
    /// </summary>
    /// <param name="configure">Receives the settings.</param>
    /// <returns>These options.</returns>
    public ExternalSecretOptions ConfigureVault(Action<VaultSecretOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        VaultSettings += configure;
        return this;
    }

    /// <summary>
    /// Adds (or replaces) the translator of a store provider. Adapter packages call this from their
    /// own extension, for example <c>es.UseAws()</c>.
    /// </summary>
    /// <param name="store">The translator.</param>
    /// <returns>These options.</returns>
    public ExternalSecretOptions AddStore(IExternalSecretStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(store.Provider);
        _stores[store.Provider] = store;
        return this;
    }

    internal string? FindMappedFile(string name, string key) => _files.TryGetValue((name, key), out var path) ? path : null;

    internal void CheckSettings()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ServiceAccountTokenPath);
        if (RefreshInterval is { } interval && (interval < TimeSpan.Zero || interval > SecretRetryPolicy.LongestWait))
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshInterval), interval, "RefreshInterval must be between 0 (read once) and one day.");
        }
    }
}
