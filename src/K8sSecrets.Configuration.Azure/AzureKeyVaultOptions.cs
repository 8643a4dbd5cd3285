using Azure.Core;
using Azure.Security.KeyVault.Secrets;

namespace K8sSecrets.Configuration.Azure;

/// <summary>
/// Settings of an Azure Key Vault source: which vault, which identity, which secrets and how often.
/// Every enabled, current secret becomes a configuration key, its name mapped as
/// <c>AddAzureKeyVault</c> does (<c>ConnectionStrings--Db</c> becomes <c>ConnectionStrings:Db</c>):
/// <see cref="SecretSourceOptions.KeyDelimiters"/> is <c>["--"]</c> here.
/// </summary>
public sealed class AzureKeyVaultOptions : SecretSourceOptions
{
    /// <summary>The default of <see cref="MaxParallelism"/>.</summary>
    public const int DefaultMaxParallelism = 8;

    private readonly Dictionary<string, string?> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _jsonSecrets = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="AzureKeyVaultOptions"/> class.</summary>
    public AzureKeyVaultOptions()
    {
        KeyDelimiters = [KeyVaultNames.Separator];
    }

    /// <summary>Gets or sets the vault's address, for example <c>https://payments-kv.vault.azure.net/</c>.</summary>
    /// <value>The default is <see langword="null"/>; required unless <see cref="Client"/> is set.</value>
    public Uri? VaultUri { get; set; }

    /// <summary>
    /// Gets or sets the identity the vault is read with: any <see cref="TokenCredential"/>, such as
    /// <c>WorkloadIdentityCredential</c> or <c>ManagedIdentityCredential</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: a <c>DefaultAzureCredential</c>, which covers AKS workload
    /// identity (the federated token file the webhook mounts), managed identity and developer sign-ins.</value>
    public TokenCredential? Credential { get; set; }

    /// <summary>
    /// Gets or sets a ready client. When set it wins over <see cref="VaultUri"/>, <see cref="Credential"/> and
    /// <see cref="ClientOptions"/>, and its own retry settings apply.
    /// </summary>
    /// <value>The default is <see langword="null"/>: a client is built from the settings above.</value>
    public SecretClient? Client { get; set; }

    /// <summary>
    /// Gets or sets the options of the client built from <see cref="VaultUri"/> (transport, proxy, retries).
    /// Unless its <c>RetryPolicy</c> is set, throttled answers (429, and 503 with <c>Retry-After</c>) are not
    /// retried inside the client: the source waits out the <c>Retry-After</c> itself.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the SDK's defaults with the retry policy above.</value>
    public SecretClientOptions? ClientOptions { get; set; }

    /// <summary>
    /// Gets or sets a name prefix: only secrets whose names start with it are read, and it is removed
    /// from their keys (<c>payments--Db--Password</c> with prefix <c>payments--</c> becomes <c>Db:Password</c>).
    /// When secrets are named with <see cref="Secret(string)"/>, it is only removed from their default keys.
    /// </summary>
    /// <value>The default is <see langword="null"/>: every secret is read.</value>
    public string? Prefix { get; set; }

    /// <summary>
    /// Gets or sets how often the vault is checked for changes. A check lists the secrets' properties
    /// (one request per 25 secrets) and fetches only the values whose version or update time changed.
    /// The first check comes at a random point within the first interval, so that pods started
    /// together do not poll together; later ones come every interval, shortened by up to 10%.
    /// </summary>
    /// <value>The default is 5 minutes; at most a day.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many secret values are fetched at once.</summary>
    /// <value>The default is <see cref="DefaultMaxParallelism"/> (8); between 1 and 64.</value>
    public int MaxParallelism { get; set; } = DefaultMaxParallelism;

    internal IReadOnlyDictionary<string, string?> Secrets => _secrets;

    internal IReadOnlySet<string> JsonSecrets => _jsonSecrets;

    /// <summary>
    /// Names a secret to read. Once any secret is named, only the named ones are read. Its key is its
    /// name without <see cref="Prefix"/>, with <c>--</c> mapped to <c>:</c>.
    /// </summary>
    /// <param name="name">The secret's name in the vault (letters, digits and <c>-</c>).</param>
    /// <returns>These options.</returns>
    public AzureKeyVaultOptions Secret(string name)
    {
        _secrets[CheckName(name)] = null;
        return this;
    }

    /// <summary>Names a secret to read and gives it its own configuration key.</summary>
    /// <param name="name">The secret's name in the vault (letters, digits and <c>-</c>).</param>
    /// <param name="key">Its configuration key, for example <c>Database:Password</c>.</param>
    /// <returns>These options.</returns>
    public AzureKeyVaultOptions Secret(string name, string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _secrets[CheckName(name)] = key.Trim(':');
        return this;
    }

    /// <summary>
    /// Flattens a secret whose content type is <c>application/json</c> into keys below its own key
    /// (<c>{"host":"db","port":5432}</c> becomes <c>Key:host</c> and <c>Key:port</c>), as the Vault source
    /// does. A value of another content type is published as it is.
    /// </summary>
    /// <param name="name">The secret's name in the vault.</param>
    /// <returns>These options.</returns>
    public AzureKeyVaultOptions FlattenJson(string name)
    {
        _jsonSecrets.Add(CheckName(name));
        return this;
    }

    internal void CheckSettings()
    {
        if (Client is null && VaultUri is null)
        {
            throw new InvalidOperationException("FromAzureKeyVault needs the vault's address: set VaultUri (https://<name>.vault.azure.net/) or Client.");
        }

        if (Client is null && VaultUri is not { IsAbsoluteUri: true } || VaultUri is { IsAbsoluteUri: true } uri && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("VaultUri must be an absolute https URI, for example https://payments-kv.vault.azure.net/.", nameof(VaultUri));
        }

        // The vault is named by the client's address when a client is given, so that one is checked too.
        RefuseUserInfo(VaultUri, nameof(VaultUri), nameof(VaultUri));
        RefuseUserInfo(Client?.VaultUri, "Client.VaultUri", nameof(Client));

        if (PollInterval <= TimeSpan.Zero || PollInterval > SecretRetryPolicy.LongestWait)
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "PollInterval must be positive and at most a day.");
        }

        if (MaxParallelism is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxParallelism), MaxParallelism, "MaxParallelism must be between 1 and 64.");
        }
    }

    private static void RefuseUserInfo(Uri? address, string setting, string parameter)
    {
        if (address is not null && SecretStoreHttp.FindUserInfo(address, "authenticate with AzureKeyVaultOptions.Credential (or DefaultAzureCredential)") is { } userInfo)
        {
            throw new ArgumentException($"AzureKeyVaultOptions.{setting} {userInfo}.", parameter);
        }
    }

    private static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!KeyVaultNames.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a Key Vault secret name: use 1 to 127 letters, digits and '-'.", nameof(name));
        }

        return name;
    }
}
