using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Google;

internal sealed partial class GoogleSecretReader
{
    private static partial class Log
    {
        [LoggerMessage(440, LogLevel.Debug, "Google secret '{Secret}' version '{Requested}' is version {Version}.", EventName = "GoogleVersionResolved")]
        public static partial void VersionResolved(ILogger logger, string secret, string requested, string version);

        [LoggerMessage(442, LogLevel.Debug, "The expiry of Google secret '{Secret}' is not known (status {Status} reading the secret's metadata).", EventName = "GoogleExpiryUnknown")]
        public static partial void ExpiryUnknown(ILogger logger, string secret, int status);

        [LoggerMessage(443, LogLevel.Warning, "Google secret '{Secret}' ({Version}) is gone (404); its keys are removed.", EventName = "GoogleSecretGone")]
        public static partial void SecretGone(ILogger logger, string secret, string version);

        [LoggerMessage(444, LogLevel.Information, "Google secret '{Secret}' no longer carries the label {LabelKey}={LabelValue}; its key is removed.", EventName = "GoogleLabelledSecretGone")]
        public static partial void LabelledSecretGone(ILogger logger, string secret, string labelKey, string labelValue);
    }
}
