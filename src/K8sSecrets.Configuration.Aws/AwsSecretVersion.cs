namespace K8sSecrets.Configuration.Aws;

/// <summary>
/// Which version of a secret to read: a staging label (<c>AWSCURRENT</c>, <c>AWSPREVIOUS</c>,
/// or a custom one) or a fixed version id.
/// </summary>
public sealed class AwsSecretVersion
{
    private AwsSecretVersion(string? stage, string? versionId)
    {
        VersionStage = stage;
        VersionId = versionId;
    }

    /// <summary>Gets the version labelled <c>AWSCURRENT</c>: the one read when no version is named.</summary>
    public static AwsSecretVersion Current { get; } = new("AWSCURRENT", null);

    /// <summary>Gets the version labelled <c>AWSPREVIOUS</c>: the one before the last rotation.</summary>
    public static AwsSecretVersion Previous { get; } = new("AWSPREVIOUS", null);

    /// <summary>Gets the staging label, or <see langword="null"/> for a fixed version id.</summary>
    public string? VersionStage { get; }

    /// <summary>Gets the fixed version id, or <see langword="null"/> for a staging label.</summary>
    public string? VersionId { get; }

    /// <summary>The version that carries a staging label; it follows the label as it moves.</summary>
    /// <param name="stage">The label, 1 to 256 characters, for example <c>AWSPENDING</c>.</param>
    /// <returns>The version.</returns>
    public static AwsSecretVersion Stage(string stage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stage);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stage.Length, 256, nameof(stage));
        return new AwsSecretVersion(stage, null);
    }

    /// <summary>One fixed version; it never changes, so it is read once.</summary>
    /// <param name="versionId">The version id, 32 to 64 characters.</param>
    /// <returns>The version.</returns>
    public static AwsSecretVersion Id(string versionId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(versionId);
        if (versionId.Length is < 32 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(versionId), versionId.Length, "A Secrets Manager version id has 32 to 64 characters.");
        }

        return new AwsSecretVersion(null, versionId);
    }

    /// <inheritdoc />
    public override string ToString() => VersionStage ?? "version " + VersionId;
}
