namespace K8sSecrets.Configuration;

/// <summary>What a <see cref="SecretExpiry"/> announces.</summary>
public enum SecretExpiryKind
{
    /// <summary>The value (a certificate, a lease, a token, a secret with an end date) stops working at that time.</summary>
    Expires,

    /// <summary>The store plans to rotate the value at that time; the old value usually keeps working for a while.</summary>
    NextRotation,
}
