namespace K8sSecrets.Configuration.Aws;

/// <summary>One value the source publishes: text, or bytes for the engine's byte policy.</summary>
internal readonly record struct AwsEntry(string Name, string? Text, byte[]? Bytes)
{
    public bool SameAs(AwsEntry other)
        => string.Equals(Name, other.Name, StringComparison.Ordinal)
            && string.Equals(Text, other.Text, StringComparison.Ordinal)
            && (Bytes is null ? other.Bytes is null : other.Bytes is not null && Bytes.AsSpan().SequenceEqual(other.Bytes));
}

/// <summary>What the source knows of one secret: how to find it, its last good entries, its version and next rotation.</summary>
internal sealed class AwsSecretState
{
    private AwsSecretState(AwsDeclaredSecret? declared, AwsSecretPrefix? prefix, string id)
    {
        Declared = declared;
        Prefix = prefix;
        Id = id;
    }

    /// <summary>Gets the declaration, or <see langword="null"/> for a secret found through a prefix.</summary>
    public AwsDeclaredSecret? Declared { get; }

    /// <summary>Gets the prefix it was found through, or <see langword="null"/>.</summary>
    public AwsSecretPrefix? Prefix { get; }

    /// <summary>Gets the id as declared, or the name found through the prefix.</summary>
    public string Id { get; }

    public string? Arn { get; set; }

    public string? Name { get; set; }

    public AwsSecretVersion Version => Declared?.Version ?? AwsSecretVersion.Current;

    /// <summary>Gets or sets the version id last read, or <see langword="null"/> before the first good read.</summary>
    public string? VersionId { get; set; }

    public List<AwsEntry> Entries { get; set; } = [];

    /// <summary>Gets or sets why the last read failed, or <see langword="null"/>.</summary>
    public string? Failure { get; set; }

    /// <summary>Gets or sets a value indicating whether <see cref="Failure"/> may pass by itself (throttling, a service error), so it is worth a retry before the next poll.</summary>
    public bool FailureIsTransient { get; set; }

    public DateTimeOffset? NextRotation { get; set; }

    /// <summary>Gets the id to ask the service for: the full ARN once known (unambiguous), else the declared id.</summary>
    public string RequestId => Arn ?? Id;

    /// <summary>Gets the snapshot name the secret's keys start at, used for failures.</summary>
    public string Root => Declared is { } d
        ? ToName(d.Key ?? d.Section) ?? ToName(Name ?? d.Id)!
        : PrefixPath(Prefix!, Name ?? Id);

    public static AwsSecretState ForDeclared(AwsDeclaredSecret declared) => new(declared, null, declared.Id);

    public static AwsSecretState ForPrefix(AwsSecretPrefix prefix, string name) => new(null, prefix, name) { Name = name };

    /// <summary>The key path of a prefix-selected secret: the section, then the rest of the name.</summary>
    public static string PrefixPath(AwsSecretPrefix prefix, string name)
    {
        var rest = name.Length > prefix.Prefix.Length ? name[prefix.Prefix.Length..].Trim('/') : string.Empty;
        var section = ToName(prefix.Section);
        return (section, rest.Length) switch
        {
            (null, 0) => name.Trim('/'),
            (null, _) => rest,
            (_, 0) => section,
            _ => section + "/" + rest,
        };
    }

    /// <summary>Configuration paths use <c>:</c>; snapshot names use <c>/</c>.</summary>
    public static string? ToName(string? path) => string.IsNullOrEmpty(path) ? null : path.Replace(':', '/');

    /// <summary>Whether the store's secret (its ARN and name) is this one, by the exact rule of <see cref="AwsSecretIds"/>.</summary>
    public bool Matches(string? arn, string? name) => AwsSecretIds.Matches(Id, arn, name);
}
