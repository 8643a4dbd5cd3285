namespace K8sSecrets.Configuration;

/// <summary>
/// Settings shared by every secret source: where its keys land and how strict the first load is.
/// </summary>
public abstract class SecretSourceOptions
{
    /// <summary>
    /// Gets or sets the configuration section the source's keys are placed under, for example
    /// <c>"Database"</c> so that the file <c>password</c> becomes <c>Database:password</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: keys are placed at the root.</value>
    public string? Section { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the source may be absent or unreachable when the
    /// configuration is built. An optional source starts empty, keeps retrying, and publishes
    /// its keys (raising a change) as soon as it can be read.
    /// </summary>
    /// <value>The default is <see langword="false"/>: a failed first load throws a
    /// <see cref="SecretSourceException"/> from <c>Build()</c>.</value>
    public bool Optional { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether one trailing line feed (<c>\n</c> or <c>\r\n</c>)
    /// is removed from values that arrive as bytes (mounted files, Kubernetes Secret data), as
    /// <c>AddKeyPerFile</c> does.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool TrimTrailingNewline { get; set; } = true;

    /// <summary>
    /// Gets or sets a gate every new set of values must pass before it is published. It receives
    /// the source's complete candidate keys and values, and returns <see langword="null"/> to accept
    /// them or a reason (which must not contain a value) to refuse them. A refused set is a failed
    /// refresh: the last good values stay published, the reason is logged, and the source is read
    /// again with backoff. At start-up a refused required source fails <c>Build()</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: every set is accepted.</value>
    public Func<IReadOnlyDictionary<string, string?>, string?>? Validate { get; set; }

    /// <summary>
    /// Gets or sets the separators in a secret's name that become <c>:</c> in its configuration key,
    /// besides <c>/</c>, which always does (it separates the parts of nested and flattened names).
    /// </summary>
    /// <value>The default is <c>["__"]</c>, as <c>AddKeyPerFile</c> and environment variables do;
    /// the Azure Key Vault source uses <c>["--"]</c>, as <c>AddAzureKeyVault</c> does.</value>
    public IReadOnlyList<string> KeyDelimiters { get; set; } = DefaultKeyDelimiters;

    /// <summary>
    /// Gets or sets a rule applied to every key after the separators are mapped and before the
    /// <see cref="Section"/> is prepended: return the key to publish (renamed or not), or
    /// <see langword="null"/> to leave the secret out.
    /// </summary>
    /// <value>The default is <see langword="null"/>: every key is published as mapped.</value>
    public Func<string, string?>? MapKey { get; set; }

    internal static IReadOnlyList<string> DefaultKeyDelimiters { get; } = ["__"];
}
