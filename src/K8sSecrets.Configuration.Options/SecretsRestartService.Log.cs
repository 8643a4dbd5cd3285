using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

internal sealed partial class SecretsRestartService
{
    private static partial class Log
    {
        [LoggerMessage(910, LogLevel.Information, "Restarting the application when {Kind} '{Name}' changes {Keys}, after a random delay of {MinDelay} to {MaxDelay}.", EventName = "RestartWatching")]
        public static partial void Watching(ILogger logger, string kind, string name, string keys, TimeSpan minDelay, TimeSpan maxDelay);

        [LoggerMessage(911, LogLevel.Warning, "AddSecretsRestartFallback is registered but no secrets source declares RestartWhenChanged; nothing will restart the application.", EventName = "RestartNothingToWatch")]
        public static partial void NothingToWatch(ILogger logger);

        [LoggerMessage(912, LogLevel.Warning, "{Kind} '{Name}' changed {Keys}, which are read only once; the application stops in {Delay} to restart with the new values.", EventName = "RestartScheduled")]
        public static partial void Scheduled(ILogger logger, string kind, string name, string keys, TimeSpan delay);

        [LoggerMessage(913, LogLevel.Debug, "{Kind} '{Name}' changed {Keys} again; the restart already scheduled stands.", EventName = "RestartStillScheduled")]
        public static partial void StillScheduled(ILogger logger, string kind, string name, string keys);

        [LoggerMessage(914, LogLevel.Information, "{Kind} '{Name}' changed back to the values the application started with; the scheduled restart is cancelled.", EventName = "RestartCancelled")]
        public static partial void Cancelled(ILogger logger, string kind, string name);

        [LoggerMessage(915, LogLevel.Warning, "Stopping the application so that it restarts with the changed secrets declared with RestartWhenChanged.", EventName = "RestartStopping")]
        public static partial void Stopping(ILogger logger);

        [LoggerMessage(916, LogLevel.Debug, "{Kind} '{Name}' loaded for the first time; its values are the baseline, no restart.", EventName = "RestartFirstLoad")]
        public static partial void FirstLoad(ILogger logger, string kind, string name);
    }
}
