using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.ExternalSecrets;

internal sealed partial class ExternalSecretSource
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{ExternalSecret}: the key '{Key}' keeps its last value: {Reason}")]
        public static partial void KeyKept(ILogger logger, string externalSecret, string key, string reason);
    }
}
