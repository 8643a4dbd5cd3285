using Google.Apis.Auth.OAuth2;

namespace K8sSecrets.Configuration.Google;

/// <summary>
/// Settings of a Google Secret Manager source: the project, the credential, the secrets to read
/// and how often to look for new versions. Each poll accesses every secret's requested version (the
/// access quota) and publishes only what changed by version name and CRC32C, which is checked on every
/// payload; label selections are listed (the metadata "read" quota) at <see cref="LabelListInterval"/>.
/// </summary>
public sealed class GoogleSecretManagerOptions : SecretSourceOptions
{
    /// <summary>The global endpoint of the Secret Manager REST API.</summary>
    public static readonly Uri DefaultEndpoint = new("https://secretmanager.googleapis.com/");

    private static readonly TimeSpan DefaultLabelListInterval = TimeSpan.FromMinutes(5);

    private readonly List<GoogleSecret> _secrets = [];
    private readonly List<GoogleLabelSelector> _labels = [];

    /// <summary>
    /// Initializes a new instance of the <see cref="GoogleSecretManagerOptions"/> class, with
    /// <see cref="SecretSourceOptions.KeyDelimiters"/> set to <c>["--", "__"]</c>: a secret id cannot
    /// hold <c>:</c>, so <c>Database--Password</c> (or <c>Database__Password</c>) becomes
    /// <c>Database:Password</c>.
    /// </summary>
    public GoogleSecretManagerOptions()
    {
        KeyDelimiters = ["--", "__"];
    }

    /// <summary>Gets or sets the project that holds the secrets: its id (<c>payments-prod</c>) or number.</summary>
    /// <value>The default is <see langword="null"/>: the <c>GOOGLE_CLOUD_PROJECT</c> environment variable,
    /// else the service account key's project, else the metadata server's project (on GKE and GCE).</value>
    public string? ProjectId { get; set; }

    /// <summary>
    /// Gets or sets the credential whose access tokens authorize the calls, for example a
    /// <see cref="GoogleCredential"/> from <c>CredentialFactory</c> or a <see cref="ComputeCredential"/>.
    /// A <see cref="GoogleCredential"/> that needs scopes is given <c>https://www.googleapis.com/auth/cloud-platform</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: Application Default Credentials, which on GKE with
    /// Workload Identity are the metadata server's tokens for the pod's Kubernetes service account.</value>
    public ICredential? Credential { get; set; }

    /// <summary>
    /// Gets or sets the API endpoint, for example a regional one
    /// (<c>https://secretmanager.europe-west1.rep.googleapis.com/</c>, whose secrets are read as
    /// <c>projects/{project}/locations/europe-west1/secrets/...</c>), a private one, or a test double.
    /// </summary>
    /// <value>The default is <see cref="DefaultEndpoint"/> (global secrets; with <see cref="Location"/>, that location's regional endpoint).</value>
    public Uri Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>
    /// Gets or sets the location of regional secrets, for example <c>europe-west1</c>: secrets are read
    /// as <c>projects/{project}/locations/{location}/secrets/...</c>. With the default (global) endpoint,
    /// the location's regional endpoint <c>https://secretmanager.{location}.rep.googleapis.com/</c> is used;
    /// another endpoint (a private one, a test double) is kept. A regional <see cref="Endpoint"/> of another
    /// location is refused, and so is <c>global</c>: global secrets have no location (leave this unset).
    /// </summary>
    /// <value>The default is <see langword="null"/>: the location of a regional <see cref="Endpoint"/>, else
    /// global secrets (<c>projects/{project}/secrets/...</c>).</value>
    public string? Location { get; set; }

    /// <summary>
    /// Gets or sets how often the secrets' versions are checked. A check accesses each secret's requested
    /// version (Secret Manager's access quota, 90,000 a minute per project, shared by every pod) and compares
    /// the version it names and the payload's CRC32C with what is published; no metadata is read (the "read"
    /// quota, 600 a minute per project). Each wait is shortened by up to 10% at random.
    /// </summary>
    /// <value>The default is 5 minutes; at most one day (<see cref="SecretRetryPolicy.LongestWait"/>).</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how often the secrets of <see cref="SecretsWithLabel(string, string)"/> are listed to find
    /// secrets that gained or lost the label. A list is a metadata read (the "read" quota, 600 a minute per
    /// project, shared by every pod): one per label per pod per interval. A list runs with the first poll at
    /// least 90% of this interval after the last list, so it is rounded up to whole polls; between lists, the
    /// known secrets are still checked for new versions at every <see cref="PollInterval"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the larger of <see cref="PollInterval"/> and 5 minutes.
    /// At most one day.</value>
    public TimeSpan? LabelListInterval { get; set; }

    /// <summary>
    /// Gets or sets whether each named secret's metadata is read for its <c>expireTime</c> (reported as the
    /// source's earliest expiry): once at its first read and again whenever its version or checksum changes.
    /// A metadata read spends the "read" quota (600 a minute per project, shared by every pod): a rollout of
    /// 1,000 pods naming 50 secrets would need 50,000 of them, more than 83 minutes of the whole quota, and
    /// every rotation one per pod. Leave it off for fleets; a secret deleted at its <c>expireTime</c> is still
    /// noticed by the next poll's access. Secrets selected by label get their <c>expireTime</c> from the list.
    /// </summary>
    /// <value>The default is <see langword="false"/>: named secrets cost one access call each and no read.</value>
    public bool ReadExpireTime { get; set; }

    /// <summary>Gets or sets how many requests to Secret Manager may be in flight at once.</summary>
    /// <value>The default is 10.</value>
    public int MaxConcurrentRequests { get; set; } = 10;

    /// <summary>Gets or sets the timeout of one HTTP request.</summary>
    /// <value>The default is 30 seconds; at most one day.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets a factory for the HTTP handler that talks to Secret Manager (a proxy, a test
    /// double). The handler is disposed with the source.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the handler of <see cref="SecretStoreHttp"/> (no redirects, the system's trust store).</value>
    public Func<HttpMessageHandler>? HttpMessageHandlerFactory { get; set; }

    internal IReadOnlyList<GoogleSecret> Secrets => _secrets;

    /// <summary>Gets the location secrets are read in: <see cref="Location"/>, else a regional endpoint's, else <see langword="null"/> (global).</summary>
    internal string? EffectiveLocation => Location ?? GoogleNames.LocationOf(Endpoint);

    /// <summary>Gets the endpoint requests go to: the location's regional endpoint in place of the global one.</summary>
    internal Uri EffectiveEndpoint => Location is { } location && string.Equals(Endpoint.IdnHost, GoogleNames.GlobalHost, StringComparison.OrdinalIgnoreCase)
        ? GoogleNames.RegionalEndpoint(location)
        : Endpoint;

    internal IReadOnlyList<GoogleLabelSelector> Labels => _labels;

    /// <summary>Gets the interval of label lists: <see cref="LabelListInterval"/>, else the larger of <see cref="PollInterval"/> and 5 minutes.</summary>
    internal TimeSpan EffectiveLabelListInterval => LabelListInterval ?? (PollInterval > DefaultLabelListInterval ? PollInterval : DefaultLabelListInterval);

    /// <summary>
    /// Reads a secret. Without <paramref name="key"/> or <paramref name="section"/> its value is
    /// published under the secret's name (<c>--</c> becomes <c>:</c>).
    /// </summary>
    /// <param name="name">The secret id, for example <c>db-password</c>.</param>
    /// <param name="key">The configuration key of the value, for example <c>Database:Password</c>.</param>
    /// <param name="section">Reads the value as a JSON object and flattens its fields under this
    /// section, for example <c>Database</c> (so <c>{"host":"db"}</c> becomes <c>Database:host</c>).</param>
    /// <param name="version">A version number, <c>latest</c> (the default), or an alias.</param>
    /// <returns>These options.</returns>
    /// <remarks>One method with optional parameters rather than overloads: <paramref name="key"/> and
    /// <paramref name="section"/> are both strings, so overloads could not tell them apart.</remarks>
    public GoogleSecretManagerOptions Secret(string name, string? key = null, string? section = null, string? version = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!GoogleNames.IsSecretId(name))
        {
            throw new ArgumentException($"'{name}' is not a Secret Manager secret id (1 to 255 letters, digits, '-' and '_').", nameof(name));
        }

        if (key is not null && section is not null)
        {
            throw new ArgumentException($"Secret '{name}': give a key (one value) or a section (a JSON object's fields), not both.", nameof(section));
        }

        if (key is not null && string.IsNullOrWhiteSpace(key.Trim(':')))
        {
            throw new ArgumentException($"Secret '{name}': the key is empty.", nameof(key));
        }

        if (section is not null && string.IsNullOrWhiteSpace(section.Trim(':')))
        {
            throw new ArgumentException($"Secret '{name}': the section is empty.", nameof(section));
        }

        if (version is not null && !GoogleNames.IsVersion(version))
        {
            throw new ArgumentException($"Secret '{name}': '{version}' is not a version (a number from 1, 'latest', or an alias).", nameof(version));
        }

        _secrets.Add(new GoogleSecret(name, version ?? "latest", key?.Trim(':'), section?.Trim(':')));
        return this;
    }

    /// <summary>
    /// Reads the latest version of every secret that carries a label; each is published under its
    /// own name (<c>--</c> and <c>__</c> become <c>:</c>). Secrets that gain the label appear, and
    /// secrets that lose it disappear, at the next poll.
    /// </summary>
    /// <param name="key">The label's key, for example <c>app</c>.</param>
    /// <param name="value">The label's value, for example <c>payments</c>.</param>
    /// <returns>These options.</returns>
    public GoogleSecretManagerOptions SecretsWithLabel(string key, string value) => AddLabel(key, value, section: null);

    /// <summary>
    /// Reads the latest version of every secret that carries a label, each under its own name
    /// below <paramref name="section"/>.
    /// </summary>
    /// <param name="key">The label's key, for example <c>app</c>.</param>
    /// <param name="value">The label's value, for example <c>payments</c>.</param>
    /// <param name="section">The section, for example <c>Payments</c>.</param>
    /// <returns>These options.</returns>
    public GoogleSecretManagerOptions SecretsWithLabel(string key, string value, string section)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        return AddLabel(key, value, section.Trim(':'));
    }

    internal void CheckSettings()
    {
        if (_secrets.Count == 0 && _labels.Count == 0)
        {
            throw new InvalidOperationException("FromGoogleSecretManager needs at least one Secret(name) or SecretsWithLabel(key, value) to read.");
        }

        CheckWait(PollInterval, nameof(PollInterval));
        CheckWait(RequestTimeout, nameof(RequestTimeout));
        if (LabelListInterval is { } listInterval)
        {
            CheckWait(listInterval, nameof(LabelListInterval));
        }

        if (MaxConcurrentRequests is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentRequests), MaxConcurrentRequests, "MaxConcurrentRequests must be between 1 and 100.");
        }

        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttps && Endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("Endpoint must be an absolute http or https URI.", nameof(Endpoint));
        }

        if (SecretStoreHttp.FindUserInfo(Endpoint, "authenticate with GoogleSecretManagerOptions.Credential (or Application Default Credentials)") is { } userInfo)
        {
            throw new ArgumentException($"GoogleSecretManagerOptions.Endpoint {userInfo}.", nameof(Endpoint));
        }

        if (ProjectId is not null && !GoogleNames.IsProject(ProjectId))
        {
            throw new ArgumentException($"'{ProjectId}' is not a Google Cloud project id or number.", nameof(ProjectId));
        }

        CheckLocation();
    }

    private void CheckLocation()
    {
        if (GoogleNames.IsGlobal(GoogleNames.LocationOf(Endpoint)))
        {
            throw new ArgumentException($"Endpoint {Endpoint.GetLeftPart(UriPartial.Authority)} names no region: {GoogleNames.GlobalIsNoLocation}", nameof(Endpoint));
        }

        if (Location is null)
        {
            return;
        }

        if (GoogleNames.IsGlobal(Location))
        {
            throw new ArgumentException($"Location '{Location}' names no region: {GoogleNames.GlobalIsNoLocation}", nameof(Location));
        }

        if (!GoogleNames.IsLocation(Location))
        {
            throw new ArgumentException($"Location '{Location}' is not a Secret Manager location (lower-case letters, digits and '-', for example europe-west1).", nameof(Location));
        }

        if (GoogleNames.LocationOf(Endpoint) is { } endpointLocation && !string.Equals(endpointLocation, Location, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Location is '{Location}' but Endpoint {Endpoint.GetLeftPart(UriPartial.Authority)} is the regional endpoint of '{endpointLocation}'. "
                + "Set one of them (a regional endpoint implies its location, and a location its regional endpoint), or make them agree.",
                nameof(Location));
        }
    }

    private static void CheckWait(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > SecretRetryPolicy.LongestWait)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and at most {SecretRetryPolicy.LongestWait.TotalHours:0} hours.");
        }
    }

    private GoogleSecretManagerOptions AddLabel(string key, string value, string? section)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!GoogleNames.IsLabel(key, allowEmpty: false) || !GoogleNames.IsLabel(value, allowEmpty: true))
        {
            throw new ArgumentException($"'{key}={value}' is not a Secret Manager label (lower-case letters, digits, '-' and '_', at most 63).", nameof(key));
        }

        _labels.Add(new GoogleLabelSelector(key, value, section));
        return this;
    }
}
