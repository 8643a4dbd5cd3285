using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

internal sealed partial class LastValidOptionsMonitor<TOptions>
{
    private static partial class Log
    {
        [LoggerMessage(
            901,
            LogLevel.Warning,
            "Reloaded {OptionsType} options '{OptionsName}' failed validation (members: {Members}) and are not published; kept the last valid options: {Kept}. Fix the configuration; the next valid reload is published.",
            EventName = "OptionsRejected")]
        public static partial void Rejected(ILogger logger, string optionsType, string optionsName, string members, bool kept);
    }
}
