namespace K8sSecrets.Configuration.Vault;

/// <summary>What the source knows of one declared path: how to read it, its last good fields, and its lease.</summary>
internal sealed class VaultPathState(VaultSecretPath declared)
{
    public VaultSecretPath Declared { get; } = declared;

    /// <summary>Gets or sets the KV engine version of the path's mount: 1, 2, or 0 for a non-KV engine; <see langword="null"/> until known.</summary>
    public int? KvVersion { get; set; }

    /// <summary>Gets or sets the API path read (below <c>/v1/</c>), with the version query when pinned.</summary>
    public string ReadPath { get; set; } = declared.Path;

    /// <summary>Gets or sets the path a policy must grant <c>read</c> on.</summary>
    public string PolicyPath { get; set; } = declared.Path;

    /// <summary>Gets or sets the fields last read, as snapshot names and values.</summary>
    public List<KeyValuePair<string, string?>> Entries { get; set; } = [];

    /// <summary>Gets or sets the KV version last read, for logs.</summary>
    public string? Version { get; set; }

    /// <summary>Gets or sets where the last read held fields with an empty name (logged when it changes).</summary>
    public string? SkippedFields { get; set; }

    /// <summary>Gets or sets why the last read failed, or <see langword="null"/> when it did not.</summary>
    public string? Failure { get; set; }

    /// <summary>Gets or sets when the path is read next, as a <see cref="TimeProvider.GetTimestamp"/>; <see cref="Monotonic.Now"/> at first.</summary>
    public long NextReadAt { get; set; } = Monotonic.Now;

    /// <summary>Gets or sets how many reads in a row failed with a status that concerns this path only.</summary>
    public int TransientFailures { get; set; }

    public string? LeaseId { get; set; }

    public long LeaseSeconds { get; set; }

    /// <summary>Gets or sets when the lease is renewed next, as a <see cref="TimeProvider.GetTimestamp"/>.</summary>
    public long RenewAt { get; set; } = Monotonic.Never;

    /// <summary>Gets or sets the token generation the lease was obtained under; leases die with their token.</summary>
    public int TokenGeneration { get; set; }

    /// <summary>Gets or sets when the lease ends on the wall clock, for reporting only (schedules are monotonic).</summary>
    public DateTimeOffset? LeaseEndsAt { get; set; }

    public bool HasLease => LeaseId is not null;

    /// <summary>Gets the name a failure is recorded under: the section, else the path.</summary>
    public string FailureName => Declared.Section ?? Declared.Path;

    public void ClearLease()
    {
        LeaseId = null;
        LeaseSeconds = 0;
        LeaseEndsAt = null;
        RenewAt = Monotonic.Never;
    }
}
