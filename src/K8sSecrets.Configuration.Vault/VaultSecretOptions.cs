using System.Security.Cryptography.X509Certificates;
namespace K8sSecrets.Configuration.Vault;

/// <summary>
/// Settings of a HashiCorp Vault source: where Vault is, how to log in, which paths to read and
/// how often. Every path's fields become configuration keys; KV secrets are polled, dynamic
/// secrets (with a lease) are renewed and read again before their lease runs out.
/// </summary>
public sealed class VaultSecretOptions : SecretSourceOptions
{
    /// <summary>The service-account token path Kubernetes projects into every pod.</summary>
    public const string DefaultServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    private readonly List<VaultSecretPath> _secrets = [];
    private readonly Dictionary<string, int> _kvVersions = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets Vault's address, for example <c>https://vault.vault.svc:8200</c>. It must be https
    /// (http only to this machine, unless <see cref="AllowInsecureHttp"/>) and must hold no user info.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the <c>VAULT_ADDR</c> environment variable is used,
    /// and the source fails to build when neither is set.</value>
    public Uri? Address { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether plain <c>http://</c> is allowed to a host other than this
    /// machine. For development only: the Vault token, the service-account JWT and the AppRole
    /// <c>secret_id</c> would cross the network in clear text.
    /// </summary>
    /// <value>The default is <see langword="false"/>: an <c>http://</c> address must be a loopback one
    /// (<c>localhost</c>, <c>127.0.0.1</c>, <c>::1</c>); any other is refused, as is any scheme but http and https.</value>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>Gets or sets the Vault Enterprise namespace sent as <c>X-Vault-Namespace</c> on every request.</summary>
    /// <value>The default is <see langword="null"/>: the <c>VAULT_NAMESPACE</c> environment variable, if set; otherwise none.</value>
    public string? Namespace { get; set; }

    /// <summary>
    /// Gets or sets how often KV paths are read again. Each wait is shortened by a random amount of up
    /// to 10% so that many pods do not poll in step. Dynamic secrets (with a lease) are not polled:
    /// they are renewed at about two thirds of their lease and read again when renewal stops.
    /// </summary>
    /// <value>The default is 1 minute.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets a value indicating whether the leases of dynamic secrets are revoked when the configuration is disposed.</summary>
    /// <value>The default is <see langword="false"/>: leases run out on their own, so that credentials
    /// still in use by other instances or in-flight connections stay valid.</value>
    public bool RevokeLeasesOnDispose { get; set; }

    /// <summary>Gets or sets the timeout of one HTTP request to Vault.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the path of a PEM bundle of the certificate authorities that sign Vault's TLS
    /// certificate. When set, only these roots are trusted (host names are still checked).
    /// </summary>
    /// <value>The default is <see langword="null"/>: the system's trust store is used. TLS verification is always on.</value>
    public string? CaCertificatePath { get; set; }

    /// <summary>Gets or sets the client certificate (with its private key) presented to Vault, for TLS certificate auth or mutual TLS.</summary>
    /// <value>The default is <see langword="null"/>: none, unless <see cref="ClientCertificatePath"/> is set.</value>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Gets or sets the path of a PEM client certificate, used when <see cref="ClientCertificate"/> is not set.</summary>
    /// <value>The default is <see langword="null"/>: no client certificate.</value>
    public string? ClientCertificatePath { get; set; }

    /// <summary>Gets or sets the path of the PEM private key of <see cref="ClientCertificatePath"/>.</summary>
    /// <value>The default is <see langword="null"/>: the key is read from the certificate file itself.</value>
    public string? ClientKeyPath { get; set; }

    /// <summary>
    /// Gets or sets a factory for the HTTP handler that talks to Vault (a proxy, a test double).
    /// When set, <see cref="CaCertificatePath"/> and the client certificate settings are ignored;
    /// the handler is disposed with the source.
    /// </summary>
    /// <value>The default is <see langword="null"/>: a <see cref="SocketsHttpHandler"/> with the TLS settings above.</value>
    public Func<HttpMessageHandler>? HttpMessageHandlerFactory { get; set; }

    internal VaultAuthMethod? Auth { get; private set; }

    /// <summary>
    /// Gets or sets a value indicating whether each path gives one entry, named by its section, that
    /// holds the path's fields as the JSON text Vault sent, instead of one entry per flattened field.
    /// The ExternalSecrets package reads this way and applies the controller's key rules itself.
    /// </summary>
    internal bool RawFields { get; set; }

    /// <summary>Gets or sets PEM certificate authorities given inline (an ExternalSecret store's <c>caBundle</c>); used like <see cref="CaCertificatePath"/>.</summary>
    internal string? CaCertificatePem { get; set; }

    internal IReadOnlyList<VaultSecretPath> Secrets => _secrets;

    internal IReadOnlyDictionary<string, int> KvVersions => _kvVersions;

    /// <summary>
    /// Logs in with Vault's Kubernetes auth method, sending the pod's service-account token. The
    /// token file is read again at every login, since Kubernetes rotates it.
    /// </summary>
    /// <param name="role">The Vault role bound to the pod's service account.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions UseKubernetesAuth(string role) => UseKubernetesAuth(role, "kubernetes", DefaultServiceAccountTokenPath);

    /// <summary>Logs in with Vault's Kubernetes auth method mounted at <paramref name="mountPath"/>.</summary>
    /// <param name="role">The Vault role bound to the pod's service account.</param>
    /// <param name="mountPath">Where the auth method is mounted, for example <c>kubernetes</c>.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions UseKubernetesAuth(string role, string mountPath) => UseKubernetesAuth(role, mountPath, DefaultServiceAccountTokenPath);

    /// <summary>Logs in with Vault's Kubernetes auth method, sending the token read from <paramref name="jwtPath"/>.</summary>
    /// <param name="role">The Vault role bound to the pod's service account.</param>
    /// <param name="mountPath">Where the auth method is mounted, for example <c>kubernetes</c>.</param>
    /// <param name="jwtPath">The service-account token file, for example <see cref="DefaultServiceAccountTokenPath"/>.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions UseKubernetesAuth(string role, string mountPath, string jwtPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(jwtPath);
        Auth = new KubernetesAuth(role, VaultPathRule.Checked(mountPath, "The Kubernetes auth mount path", nameof(mountPath)), jwtPath);
        return this;
    }

    /// <summary>
    /// Logs in with Vault's AppRole auth method. A response-wrapped <paramref name="secretId"/>
    /// is unwrapped once, at the first login, and the wrapping token is never used again.
    /// </summary>
    /// <param name="roleId">The role's <c>role_id</c>.</param>
    /// <param name="secretId">The <c>secret_id</c>.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions UseAppRole(string roleId, string secretId) => UseAppRole(roleId, secretId, wrapped: false, "approle");

    /// <summary>Logs in with Vault's AppRole auth method mounted at <c>approle</c>.</summary>
    /// <param name="roleId">The role's <c>role_id</c>.</param>
    /// <param name="secretId">The <c>secret_id</c>, or the wrapping token that holds it when <paramref name="wrapped"/> is set.</param>
    /// <param name="wrapped"><see langword="true"/> when <paramref name="secretId"/> is a response-wrapping token.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions UseAppRole(string roleId, string secretId, bool wrapped) => UseAppRole(roleId, secretId, wrapped, "approle");

    /// <summary>Logs in with Vault's AppRole auth method mounted at <paramref name="mountPath"/>.</summary>
    /// <param name="roleId">The role's <c>role_id</c>.</param>
    /// <param name="secretId">The <c>secret_id</c>, or the wrapping token that holds it when <paramref name="wrapped"/> is set.</param>
    /// <param name="wrapped"><see langword="true"/> when <paramref name="secretId"/> is a response-wrapping token.</param>
    /// <param name="mountPath">Where the auth method is mounted, for example <c>approle</c>.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions UseAppRole(string roleId, string secretId, bool wrapped, string mountPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roleId);
        ArgumentException.ThrowIfNullOrWhiteSpace(secretId);
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        Auth = new AppRoleAuth(roleId, secretId, wrapped, VaultPathRule.Checked(mountPath, "The AppRole auth mount path", nameof(mountPath)));
        return this;
    }

    /// <summary>
    /// Uses a token obtained elsewhere. It is renewed at about two thirds of its TTL while Vault
    /// allows; it cannot be obtained again, so once it expires reads fail until a restart.
    /// </summary>
    /// <param name="token">The token.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions UseToken(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        Auth = new TokenAuth(token, null);
        return this;
    }

    /// <summary>
    /// Uses the token kept in a file (for example a Vault Agent sink). The file is read at every
    /// refresh, and a new token found there is used from then on.
    /// </summary>
    /// <param name="path">The token file.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions UseTokenFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Auth = new TokenAuth(null, path);
        return this;
    }

    /// <summary>
    /// Reads a secret path. Every field becomes a key at the source's root; nested JSON
    /// values are flattened with <c>:</c>. KV paths are given as the CLI spells them
    /// (<c>secret/payments/db</c>, without <c>data/</c>); other paths, such as
    /// <c>database/creds/payments-ro</c>, are read as they are.
    /// </summary>
    /// <param name="path">The secret's path, mount included.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions Secret(string path) => Secret(path, section: null, version: null);

    /// <summary>Reads a secret path, placing its fields below <paramref name="section"/>.</summary>
    /// <param name="path">The secret's path, mount included.</param>
    /// <param name="section">The configuration section of its fields, for example <c>Database</c>, or
    /// <see langword="null"/> for the source's root.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions Secret(string path, string? section) => Secret(path, section, version: null);

    /// <summary>Reads a pinned KV v2 version of a secret path, placing its fields below <paramref name="section"/>.</summary>
    /// <param name="path">The secret's path, mount included.</param>
    /// <param name="section">The configuration section of its fields, or <see langword="null"/> for the source's root.</param>
    /// <param name="version">The KV v2 version to pin, or <see langword="null"/> for the latest.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions Secret(string path, string? section, int? version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (version is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "A pinned KV version must be 1 or more.");
        }

        _secrets.Add(new VaultSecretPath(VaultPathRule.Checked(path, "The Vault secret path", nameof(path)), string.IsNullOrWhiteSpace(section) ? null : section.Trim(':', '/'), version));
        return this;
    }

    /// <summary>
    /// Sets the KV engine version of a mount instead of detecting it through
    /// <c>sys/internal/ui/mounts</c> (useful when the token's policy cannot read that endpoint).
    /// </summary>
    /// <param name="mountPath">The mount, for example <c>secret</c>.</param>
    /// <param name="version">1 or 2.</param>
    /// <returns>These options.</returns>
    public VaultSecretOptions KvVersion(string mountPath, int version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mountPath);
        if (version is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "The KV engine version must be 1 or 2.");
        }

        _kvVersions[VaultPathRule.Checked(mountPath, "The KV mount path", nameof(mountPath)) + "/"] = version;
        return this;
    }

    internal void CheckSettings()
    {
        if (_secrets.Count == 0)
        {
            throw new InvalidOperationException("FromVault needs at least one Secret(path) to read.");
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "PollInterval must be positive.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "RequestTimeout must be positive.");
        }

        if (Address is not null && VaultAddress.Problem(Address, AllowInsecureHttp) is { } problem)
        {
            throw new ArgumentException($"VaultSecretOptions.Address {problem}.", nameof(Address));
        }
    }
}
