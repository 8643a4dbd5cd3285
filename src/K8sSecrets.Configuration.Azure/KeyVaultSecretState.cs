namespace K8sSecrets.Configuration.Azure;

/// <summary>What is known of one published secret: the stamp it was fetched at and the entries it gave.</summary>
internal sealed class KeyVaultSecretState(string stamp, DateTimeOffset? updated, DateTimeOffset? expiresOn, List<KeyValuePair<string, string?>> entries)
{
    /// <summary>The listed version, update time and content type the value was fetched for.</summary>
    public string Stamp { get; } = stamp;

    /// <summary>The update time the value was answered with (which a listing older than the value does not show).</summary>
    public DateTimeOffset? Updated { get; } = updated;

    public DateTimeOffset? ExpiresOn { get; } = expiresOn;

    /// <summary>The snapshot names and values the secret gives (one, or several when its JSON is flattened).</summary>
    public List<KeyValuePair<string, string?>> Entries { get; } = entries;
}
