namespace K8sSecrets.Configuration;

/// <summary>
/// When something a source published expires or is due to rotate: a certificate's <c>NotAfter</c>,
/// a Vault lease or token end, a store's expiry date or next rotation date. Names only, never values.
/// </summary>
public sealed class SecretExpiry
{
    /// <summary>Initializes a new instance of the <see cref="SecretExpiry"/> class.</summary>
    /// <param name="name">What expires: a secret name, a configuration key, or a label such as <c>vault token</c>.</param>
    /// <param name="at">When, on the wall clock.</param>
    /// <param name="kind">Whether it expires or is due to rotate.</param>
    public SecretExpiry(string name, DateTimeOffset at, SecretExpiryKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        At = at;
        Kind = kind;
    }

    /// <summary>Gets what expires: a secret name, a configuration key, or a label such as <c>vault token</c>.</summary>
    public string Name { get; }

    /// <summary>Gets when, on the wall clock.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Gets whether it expires or is due to rotate.</summary>
    public SecretExpiryKind Kind { get; }

    /// <inheritdoc />
    public override string ToString() => $"'{Name}' {(Kind == SecretExpiryKind.Expires ? "expires" : "rotates")} at {At:u}";
}
