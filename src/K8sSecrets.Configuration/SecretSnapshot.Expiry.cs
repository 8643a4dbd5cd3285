namespace K8sSecrets.Configuration;

public sealed partial class SecretSnapshot
{
    private List<SecretExpiry>? _expiries;

    /// <summary>
    /// Gets the expiries and planned rotations the source reported with this snapshot. The engine
    /// keeps them until the next snapshot (a read that returns <see cref="SecretLoadResult.Unchanged()"/>
    /// keeps the previous ones), adds when each value of PEM certificates it publishes stops working, and
    /// shows the earliest through <see cref="SecretSourceHealth"/>, a gauge and Warning logs.
    /// </summary>
    public IReadOnlyList<SecretExpiry> Expiries => (IReadOnlyList<SecretExpiry>?)_expiries ?? [];

    /// <summary>Records that something this snapshot publishes stops working at <paramref name="at"/>
    /// (a lease, a token, a secret with an expiry date).</summary>
    /// <param name="name">What expires: the secret's name, or a label such as <c>vault token</c>; never a value.</param>
    /// <param name="at">When, on the wall clock.</param>
    public void AddExpiry(string name, DateTimeOffset at) => AddExpiry(name, at, SecretExpiryKind.Expires);

    /// <summary>Records that the store plans to rotate a secret of this snapshot at <paramref name="at"/>.</summary>
    /// <param name="name">The secret's name; never a value.</param>
    /// <param name="at">When, on the wall clock.</param>
    public void AddNextRotation(string name, DateTimeOffset at) => AddExpiry(name, at, SecretExpiryKind.NextRotation);

    private void AddExpiry(string name, DateTimeOffset at, SecretExpiryKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        (_expiries ??= []).Add(new SecretExpiry(name, at, kind));
    }
}
