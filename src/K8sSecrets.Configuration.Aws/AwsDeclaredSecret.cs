namespace K8sSecrets.Configuration.Aws;

/// <summary>A secret named in the options: its id (name or ARN), where its keys go, and its version.</summary>
internal sealed record AwsDeclaredSecret(string Id, string? Section, string? Key, AwsSecretVersion Version)
{
    public bool IsCurrent => Version.VersionStage == "AWSCURRENT";

    public bool IsArn => AwsSecretIds.IsArn(Id);

    public string Describe() => IsCurrent ? $"'{Id}'" : $"'{Id}' ({Version})";
}

/// <summary>A name prefix: every secret whose name starts with it, below <see cref="Section"/>.</summary>
internal sealed record AwsSecretPrefix(string Prefix, string? Section);
