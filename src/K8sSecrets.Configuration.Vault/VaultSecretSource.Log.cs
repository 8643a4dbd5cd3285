using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Vault;

internal sealed partial class VaultSecretSource
{
    private static partial class Log
    {
        [LoggerMessage(420, LogLevel.Debug, "Vault mount '{Mount}' is of type {Type}; KV version {KvVersion} (0: not KV).", EventName = "VaultMountDetected")]
        public static partial void MountDetected(ILogger logger, string mount, string type, int kvVersion);

        [LoggerMessage(421, LogLevel.Information, "Could not look up the mount of Vault path '{Path}' (status {Status}); reading it as it is. Call KvVersion(mount, 2) for a KV v2 mount.", EventName = "VaultMountUnknown")]
        public static partial void MountUnknown(ILogger logger, string path, int status);

        [LoggerMessage(422, LogLevel.Warning, "Vault path '{Path}' is gone (deleted or destroyed version: {Deleted}); its keys are removed.", EventName = "VaultPathAbsent")]
        public static partial void PathAbsent(ILogger logger, string path, bool deleted);

        [LoggerMessage(423, LogLevel.Debug, "Vault path '{Path}' came with a lease of {LeaseSeconds} s (renewable: {Renewable}).", EventName = "VaultLeaseObtained")]
        public static partial void LeaseObtained(ILogger logger, string path, long leaseSeconds, bool renewable);

        [LoggerMessage(424, LogLevel.Debug, "Renewed the lease of Vault path '{Path}' for {LeaseSeconds} s.", EventName = "VaultLeaseRenewed")]
        public static partial void LeaseRenewed(ILogger logger, string path, long leaseSeconds);

        [LoggerMessage(425, LogLevel.Information, "The lease of Vault path '{Path}' cannot be renewed further (granted {LeaseSeconds} s); reading new credentials.", EventName = "VaultLeaseExhausted")]
        public static partial void LeaseExhausted(ILogger logger, string path, long leaseSeconds);

        [LoggerMessage(426, LogLevel.Warning, "Vault refused to renew the lease of path '{Path}' (status {Status}); reading new credentials.", EventName = "VaultLeaseLost")]
        public static partial void LeaseLost(ILogger logger, string path, int status);

        [LoggerMessage(427, LogLevel.Information, "The Vault token changed, so the lease of path '{Path}' dies with the old one; reading new credentials.", EventName = "VaultLeaseOrphaned")]
        public static partial void LeaseOrphaned(ILogger logger, string path);

        [LoggerMessage(428, LogLevel.Information, "Revoked the lease of Vault path '{Path}'.", EventName = "VaultLeaseRevoked")]
        public static partial void LeaseRevoked(ILogger logger, string path);

        [LoggerMessage(429, LogLevel.Warning, "Could not revoke the lease of Vault path '{Path}': {Reason}", EventName = "VaultRevokeFailed")]
        public static partial void RevokeFailed(ILogger logger, string path, string reason);

        [LoggerMessage(430, LogLevel.Warning, "Vault path '{Path}' holds fields with an empty name (in {Where}); they have no configuration key and are skipped. Rename them in Vault.", EventName = "VaultEmptyFieldName")]
        public static partial void EmptyFieldNames(ILogger logger, string path, string where);
    }
}
