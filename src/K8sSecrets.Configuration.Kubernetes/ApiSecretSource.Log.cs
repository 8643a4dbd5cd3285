using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Kubernetes;

internal sealed partial class ApiSecretSource
{
    private static partial class Log
    {
        [LoggerMessage(350, LogLevel.Error, "The informer of {Target} stopped on an unexpected fault: {Reason}.", EventName = "InformerFault")]
        public static partial void InformerFault(ILogger logger, string target, string reason);
    }
}
