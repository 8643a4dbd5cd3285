using Amazon.Runtime;
using Microsoft.Extensions.Configuration;

namespace K8sSecrets.Configuration.Aws;

/// <summary>
/// Settings of an AWS Secrets Manager source: the region, the credentials, which secrets to read
/// and how often. Each poll asks <c>ListSecrets</c> for the version ids of the declared secrets
/// and reads the values (with <c>BatchGetSecretValue</c>, 20 at a time) only of those that changed.
/// </summary>
public sealed class AwsSecretsManagerOptions : SecretSourceOptions
{
    /// <summary>The most names one <c>ListSecrets</c> name filter takes.</summary>
    internal const int MaxFilterValues = 10;

    /// <summary>The form of a secret's ARN, for messages.</summary>
    internal const string ArnForm = "arn:aws:secretsmanager:<region>:<account>:secret:<name> (a partial ARN) or <name>-<six random characters> (a full ARN)";

    private readonly List<AwsDeclaredSecret> _secrets = [];
    private readonly List<AwsSecretPrefix> _prefixes = [];

    /// <summary>Gets or sets the AWS region, for example <c>eu-west-1</c>.</summary>
    /// <value>The default is <see langword="null"/>: AWSSDK.Core's <c>FallbackRegionFactory</c>: <c>AWS_REGION</c>, the profile, then instance metadata.</value>
    public string? Region { get; set; }

    /// <summary>Gets or sets the credentials requests are signed with.</summary>
    /// <value>The default is <see langword="null"/>: AWSSDK.Core's default chain, which covers environment keys,
    /// IRSA (<c>AWS_ROLE_ARN</c> + <c>AWS_WEB_IDENTITY_TOKEN_FILE</c>), profiles, EKS Pod Identity and instance roles.</value>
    public AWSCredentials? Credentials { get; set; }

    /// <summary>Gets or sets the endpoint, for a VPC endpoint, LocalStack or a test double.</summary>
    /// <value>The default is <see langword="null"/>: <c>AWS_ENDPOINT_URL_SECRETS_MANAGER</c>, then <c>AWS_ENDPOINT_URL</c>,
    /// then <c>https://secretsmanager.&lt;region&gt;.amazonaws.com</c>. Requests are still signed for <see cref="Region"/>.</value>
    public Uri? ServiceUrl { get; set; }

    /// <summary>
    /// Gets or sets how often the version ids are checked. An unchanged poll costs one
    /// <c>ListSecrets</c> call per 100 matching secrets and no value call. <c>ListSecrets</c> may lag
    /// a rotation by a few minutes (it is eventually consistent), so a rotation can take up to about
    /// this interval plus that lag to arrive.
    /// </summary>
    /// <value>The default is 5 minutes; at most one day (<see cref="SecretRetryPolicy.LongestWait"/>).</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the timeout of one HTTP request.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a factory for the HTTP handler (a proxy, a test double); the handler is disposed with the source.</summary>
    /// <value>The default is <see langword="null"/>: the handler of <see cref="SecretStoreHttp"/> (no redirects, the system's trust store).</value>
    public Func<HttpMessageHandler>? HttpMessageHandlerFactory { get; set; }

    internal IReadOnlyList<AwsDeclaredSecret> Secrets => _secrets;

    /// <summary>
    /// Gets or sets a value indicating whether a secret that no longer exists (after the first load)
    /// publishes nothing instead of keeping its last value as a failure. The ExternalSecrets package
    /// reads this way and applies the manifest's <c>deletionPolicy</c> itself.
    /// </summary>
    internal bool MissingIsAbsent { get; set; }

    internal IReadOnlyList<AwsSecretPrefix> Prefixes => _prefixes;

    /// <summary>
    /// Gets or sets the most <c>ListSecrets</c> pages (of 100) one read follows: 10,000 secrets.
    /// A listing with more is a failed read when prefixes are selected. Settable for tests.
    /// </summary>
    internal int MaxListPages { get; set; } = 100;

    /// <summary>Gets or sets where a missing <see cref="Region"/> comes from: AWSSDK.Core's <c>FallbackRegionFactory</c>. Settable for tests.</summary>
    internal Func<string?> RegionFromEnvironment { get; set; } = AwsSecretsManagerKubernetesSecretsBuilderExtensions.RegionFromEnvironment;

    /// <summary>
    /// Reads a secret's <c>AWSCURRENT</c> version. A <c>SecretString</c> that is a JSON object is
    /// flattened below <paramref name="section"/> (nested objects joined with <c>:</c>, arrays
    /// indexed); any other value, and <c>SecretBinary</c>, becomes the one key <paramref name="section"/>.
    /// </summary>
    /// <param name="name">The secret's name or ARN.</param>
    /// <param name="section">The section a JSON object's fields go below.</param>
    /// <returns>These options.</returns>
    public AwsSecretsManagerOptions Secret(string name, string section)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        return Secret(name, version: null, section, key: null);
    }

    /// <summary>
    /// Reads a secret: its <c>AWSCURRENT</c> version, or the one <paramref name="version"/> names (a
    /// staging label such as <c>AWSPREVIOUS</c>, or a fixed version id). A <c>SecretString</c> that is
    /// a JSON object is flattened below <paramref name="section"/> (nested objects joined with
    /// <c>:</c>, arrays indexed); any other value, and <c>SecretBinary</c>, becomes the one key
    /// <paramref name="key"/> (else <paramref name="section"/>, else the secret's name with <c>/</c>
    /// as <c>:</c>). Name the optional arguments: <c>Secret("prod/api-key", key: "Payments:ApiKey")</c>.
    /// </summary>
    /// <param name="name">The secret's name or ARN.</param>
    /// <param name="version">The version, for example <see cref="AwsSecretVersion.Previous"/>; <see langword="null"/> for <c>AWSCURRENT</c>.</param>
    /// <param name="section">The section a JSON object's fields go below; <see langword="null"/> for the root.</param>
    /// <param name="key">One key for the whole value, never flattened, for example <c>Payments:ApiKey</c>.</param>
    /// <returns>These options.</returns>
    /// <remarks>Optional parameters rather than overloads: a section and a key are both strings.</remarks>
    public AwsSecretsManagerOptions Secret(string name, AwsSecretVersion? version = null, string? section = null, string? key = null)
    {
        version ??= AwsSecretVersion.Current;
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 2048)
        {
            throw new ArgumentOutOfRangeException(nameof(name), name.Length, "A secret id has at most 2048 characters.");
        }

        if (section is not null && key is not null)
        {
            throw new ArgumentException("Give a section (for a JSON object) or a key (for one value), not both.", nameof(key));
        }

        if (!IsSecretId(name.Trim()))
        {
            throw new ArgumentException($"'{name}' is not a Secrets Manager secret ARN; give a name, or an ARN of the form {ArnForm}.", nameof(name));
        }

        _secrets.Add(new AwsDeclaredSecret(name.Trim(), Clean(section), Clean(key), version));
        return this;
    }

    /// <summary>
    /// Reads every secret whose name starts with <paramref name="prefix"/> (<c>AWSCURRENT</c>). The
    /// rest of each name becomes its key path below <paramref name="section"/> (<c>/</c> as <c>:</c>);
    /// a JSON object is flattened below that path. Secrets created or deleted later appear or vanish.
    /// </summary>
    /// <param name="prefix">The name prefix, for example <c>prod/payments/</c>.</param>
    /// <param name="section">The section the keys go below; <see langword="null"/> for the root.</param>
    /// <returns>These options.</returns>
    public AwsSecretsManagerOptions SecretsWithPrefix(string prefix, string? section = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        if (prefix.Length > 512 || !prefix.All(IsFilterChar))
        {
            throw new ArgumentException("A name prefix has at most 512 characters: letters, digits, spaces and : _ @ / + = . -", nameof(prefix));
        }

        _prefixes.Add(new AwsSecretPrefix(prefix, Clean(section)));
        return this;
    }

    internal void CheckSettings()
    {
        if (_secrets.Count == 0 && _prefixes.Count == 0)
        {
            throw new InvalidOperationException("FromAwsSecretsManager needs at least one Secret(name) or SecretsWithPrefix(prefix) to read.");
        }

        CheckWait(PollInterval, nameof(PollInterval));
        CheckWait(RequestTimeout, nameof(RequestTimeout));

        if (ServiceUrl is { IsAbsoluteUri: false } || (ServiceUrl is { } url && url.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException("ServiceUrl must be an absolute http or https URI.", nameof(ServiceUrl));
        }

        if (ServiceUrl is { } endpoint && SecretStoreHttp.FindUserInfo(endpoint, "sign requests with AwsSecretsManagerOptions.Credentials (or the default AWS chain)") is { } userInfo)
        {
            throw new ArgumentException($"AwsSecretsManagerOptions.ServiceUrl {userInfo}.", nameof(ServiceUrl));
        }
    }

    private static void CheckWait(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > SecretRetryPolicy.LongestWait)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and at most {SecretRetryPolicy.LongestWait.TotalHours:0} hours.");
        }
    }

    /// <summary>Whether <paramref name="id"/> is a name, or an ARN of the form <see cref="ArnForm"/>.</summary>
    internal static bool IsSecretId(string id) => !AwsSecretIds.IsArn(id) || AwsSecretIds.NameOf(id) is not null;

    /// <summary>The characters a <c>ListSecrets</c> filter value may hold.</summary>
    internal static bool IsFilterChar(char c) => char.IsAsciiLetterOrDigit(c) || c is ' ' or ':' or '_' or '@' or '/' or '+' or '=' or '.' or '-';

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().Trim(':', '/');
}
