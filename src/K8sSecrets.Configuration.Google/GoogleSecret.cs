namespace K8sSecrets.Configuration.Google;

/// <summary>One secret declared by name: which version to read and where its value lands.</summary>
/// <param name="Name">The secret id, for example <c>db-password</c>.</param>
/// <param name="Version">A version number, <c>latest</c>, or an alias.</param>
/// <param name="Key">The configuration key of its value, or <see langword="null"/>.</param>
/// <param name="Section">The section its JSON object is flattened under, or <see langword="null"/>.</param>
internal sealed record GoogleSecret(string Name, string Version, string? Key, string? Section)
{
    /// <summary>Gets the snapshot name a single value is published under (and failures are recorded under); the
    /// engine maps the source's key delimiters (<c>--</c>, <c>__</c>) and <c>/</c> to <c>:</c>.</summary>
    public string TargetName => (Section ?? Key ?? Name).Replace(':', '/');

    /// <summary>Gets a value indicating whether the payload is a JSON object to flatten.</summary>
    public bool Flatten => Section is not null;
}

/// <summary>Every secret carrying one label, each published under its own name.</summary>
/// <param name="LabelKey">The label's key.</param>
/// <param name="LabelValue">The label's value.</param>
/// <param name="Section">The section the secrets' keys go below, or <see langword="null"/>.</param>
internal sealed record GoogleLabelSelector(string LabelKey, string LabelValue, string? Section)
{
    public string Filter => $"labels.{LabelKey}={LabelValue}";
}
