using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Published {Kind} '{Name}' version {Version}: {Added} added, {Changed} changed, {Removed} removed.", EventName = "Published")]
        public static partial void Published(ILogger logger, string kind, string name, string? version, int added, int changed, int removed);

        [LoggerMessage(2, LogLevel.Warning, "Refreshing {Kind} '{Name}' failed; the last good values stay published. {Reason}", EventName = "RefreshFailed")]
        public static partial void RefreshFailed(ILogger logger, string kind, string name, string reason);

        [LoggerMessage(3, LogLevel.Debug, "Refreshing {Kind} '{Name}' failed again ({Failures} in a row). {Reason}", EventName = "RefreshStillFailing")]
        public static partial void RefreshStillFailing(ILogger logger, string kind, string name, int failures, string reason);

        [LoggerMessage(4, LogLevel.Information, "{Kind} '{Name}' read successfully again after {Failures} failures.", EventName = "Recovered")]
        public static partial void Recovered(ILogger logger, string kind, string name, int failures);

        [LoggerMessage(5, LogLevel.Warning, "{Kind} '{Name}': '{SecretName}' could not be read and keeps its last good value: {Reason}", EventName = "KeyFailed")]
        public static partial void KeyFailed(ILogger logger, string kind, string name, string secretName, string reason);

        [LoggerMessage(6, LogLevel.Information, "{Kind} '{Name}': '{SecretName}' is not valid UTF-8 and is published as base64.", EventName = "KeyNotUtf8")]
        public static partial void KeyNotUtf8(ILogger logger, string kind, string name, string secretName);

        [LoggerMessage(7, LogLevel.Warning, "{Kind} '{Name}': several names map to the same key ({Keys}); the name last in ordinal order wins.", EventName = "KeyCollision")]
        public static partial void KeyCollision(ILogger logger, string kind, string name, string keys);

        [LoggerMessage(8, LogLevel.Error, "A change callback of {Kind} '{Name}' threw {ExceptionType}; the refresh engine keeps running.", EventName = "CallbackFailed")]
        public static partial void CallbackFailed(ILogger logger, string kind, string name, string? exceptionType);

        [LoggerMessage(9, LogLevel.Warning, "{Kind} '{Name}' could not start watching for changes: {Reason}", EventName = "WatchFailed")]
        public static partial void WatchFailed(ILogger logger, string kind, string name, string reason);

        [LoggerMessage(10, LogLevel.Error, "The refresh loop of {Kind} '{Name}' caught an unexpected fault and continues: {Reason}", EventName = "LoopFault")]
        public static partial void LoopFault(ILogger logger, string kind, string name, string reason);

        [LoggerMessage(11, LogLevel.Error, "Refreshing {Kind} '{Name}' failed, and retrying will not help until the setup is fixed; the last good values stay published and it is retried every few minutes. {Reason}", EventName = "RefreshRefused")]
        public static partial void RefreshRefused(ILogger logger, string kind, string name, string reason);

        [LoggerMessage(15, LogLevel.Warning, "{Kind} '{Name}' produced {Keys} under the reserved section '{Root}', where only the engine publishes previous values (KeepPreviousFor); they are not published. Rename the secret, or move it with Section or MapKey.", EventName = "ReservedKeyRefused")]
        public static partial void ReservedKeyRefused(ILogger logger, string kind, string name, string keys, string root);
    }
}
