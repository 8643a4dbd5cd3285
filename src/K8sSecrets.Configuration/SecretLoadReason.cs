namespace K8sSecrets.Configuration;

/// <summary>Why the engine reads a source.</summary>
public enum SecretLoadReason
{
    /// <summary>The first load, when the configuration is built.</summary>
    Initial,

    /// <summary>The time the source asked for in its last result has come.</summary>
    Scheduled,

    /// <summary>The source asked for a read through <see cref="SecretSourceSignals.RequestRefresh()"/>.</summary>
    Notified,

    /// <summary>Someone asked for a full read: <c>IConfigurationRoot.Reload()</c> or <see cref="SecretsConfigurationProvider.RefreshAsync"/>.</summary>
    Forced,

    /// <summary>A retry after a failed read.</summary>
    Retry,
}
