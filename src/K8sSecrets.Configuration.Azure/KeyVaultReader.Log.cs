using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Azure;

internal sealed partial class KeyVaultReader
{
    private static partial class Log
    {
        [LoggerMessage(440, LogLevel.Information, "Azure Key Vault {Vault}: secret '{Secret}' is skipped: {Reason}.", EventName = "AzureKeyVaultSecretSkipped")]
        public static partial void SecretSkipped(ILogger logger, string vault, string secret, string reason);

        [LoggerMessage(441, LogLevel.Information, "Azure Key Vault {Vault}: secret '{Secret}' is gone, disabled or expired; its keys are removed.", EventName = "AzureKeyVaultSecretDropped")]
        public static partial void SecretDropped(ILogger logger, string vault, string secret);
    }
}
