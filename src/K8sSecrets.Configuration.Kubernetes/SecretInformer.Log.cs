using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Kubernetes;

internal sealed partial class SecretInformer
{
    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Debug, "Listed {Target}: {Count} Secret(s) at resourceVersion {ResourceVersion}.", EventName = "Listed")]
        public static partial void Listed(ILogger logger, string target, int count, string? resourceVersion);

        [LoggerMessage(301, LogLevel.Debug, "Watching {Target} from resourceVersion {ResourceVersion} for up to {TimeoutSeconds} s.", EventName = "Watching")]
        public static partial void Watching(ILogger logger, string target, string resourceVersion, int timeoutSeconds);

        [LoggerMessage(302, LogLevel.Debug, "The watch of {Target} ended ({Why}) after {Lines} event(s); watching again from the last resourceVersion.", EventName = "WatchEnded")]
        public static partial void WatchEnded(ILogger logger, string target, string why, int lines);

        [LoggerMessage(303, LogLevel.Information, "The resourceVersion of {Target} expired (410); listing again.", EventName = "Expired")]
        public static partial void Expired(ILogger logger, string target);

        [LoggerMessage(305, LogLevel.Warning, "The watch of {Target} was silent for {IdleSeconds} s; dropping it and watching again.", EventName = "WatchIdle")]
        public static partial void WatchIdle(ILogger logger, string target, double idleSeconds);

        [LoggerMessage(306, LogLevel.Warning, "The watch of {Target} sent a line that is not a valid event; it was skipped.", EventName = "MalformedLine")]
        public static partial void MalformedLine(ILogger logger, string target);

        [LoggerMessage(307, LogLevel.Information, "The Secret {Target} is immutable: it was read once and is not watched.", EventName = "ImmutableNotWatched")]
        public static partial void ImmutableNotWatched(ILogger logger, string target);

        [LoggerMessage(308, LogLevel.Information, "The API server answered 401 for {Target}; the credentials (service-account token, or the kubeconfig's token, token file or exec plugin) were read again and the request retried once.", EventName = "TokenReread")]
        public static partial void TokenReread(ILogger logger, string target);

        [LoggerMessage(309, LogLevel.Information, "{Target}: the Secret '{SecretName}' was deleted; its keys are {Action}.", EventName = "Deleted")]
        private static partial void DeletedCore(ILogger logger, string target, string secretName, string action);

        [LoggerMessage(310, LogLevel.Warning, "The watch of {Target} was cut after {Lines} event(s) ({Reason}); reconnecting from the last resourceVersion.", EventName = "WatchDropped")]
        public static partial void WatchDropped(ILogger logger, string target, string reason, int lines);

        [LoggerMessage(312, LogLevel.Debug, "{Target}: {EventType} of '{SecretName}' at resourceVersion {ResourceVersion} changed its data.", EventName = "Applied")]
        public static partial void Applied(ILogger logger, string target, string eventType, string secretName, string? resourceVersion);

        [LoggerMessage(314, LogLevel.Debug, "{Target}: waiting {DelayMs} ms before the next list or watch.", EventName = "Waiting")]
        public static partial void Waiting(ILogger logger, string target, double delayMs);

        [LoggerMessage(315, LogLevel.Warning, "The watch of {Target} reported an error that was skipped: {Reason}.", EventName = "StreamError")]
        public static partial void StreamError(ILogger logger, string target, string reason);

        public static void Deleted(ILogger logger, string target, string secretName, bool kept)
            => DeletedCore(logger, target, secretName, kept ? "kept (KeepKeysOnDelete)" : "removed");
    }
}
