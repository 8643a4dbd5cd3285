namespace K8sSecrets.Configuration.Google;

/// <summary>What the source knows of one secret: the version it last read, the value, and why the last read failed.</summary>
internal sealed class GoogleSecretState(string secretId, string requestedVersion, string targetName, bool flatten)
{
    public string SecretId { get; } = secretId;

    /// <summary>Gets the version asked for: a number, <c>latest</c> or an alias.</summary>
    public string RequestedVersion { get; } = requestedVersion;

    /// <summary>Gets the snapshot name of the value, or the prefix of the flattened fields.</summary>
    public string TargetName { get; } = targetName;

    public bool Flatten { get; } = flatten;

    /// <summary>Gets or sets the concrete version number whose value is held.</summary>
    public string? ResolvedVersion { get; set; }

    /// <summary>Gets or sets the CRC32C of the value held.</summary>
    public uint Crc { get; set; }

    /// <summary>Gets or sets the raw payload of a single value.</summary>
    public byte[]? Bytes { get; set; }

    /// <summary>Gets or sets the flattened fields of a JSON payload.</summary>
    public List<KeyValuePair<string, string?>>? Entries { get; set; }

    public string? Failure { get; set; }

    public DateTimeOffset? ExpireTime { get; set; }

    /// <summary>Gets or sets a value indicating whether the secret's own metadata (its <c>expireTime</c>) is read here;
    /// label-selected secrets get it from the list.</summary>
    public bool ReadsSecretMetadata { get; set; }

    /// <summary>Gets or sets the monotonic timestamp (<see cref="TimeProvider.GetTimestamp"/>) of this secret's early retry
    /// after a failure that retrying may fix, or <see langword="null"/> when it waits for the next poll.</summary>
    public long? RetryAt { get; set; }

    /// <summary>Gets or sets how many reads of this secret in a row failed in a way retrying may fix.</summary>
    public int TransientFailures { get; set; }

    public bool HasValue => Bytes is not null || Entries is not null;

    public void Clear()
    {
        Bytes = null;
        Entries = null;
        ResolvedVersion = null;
        Crc = 0;
    }
}
