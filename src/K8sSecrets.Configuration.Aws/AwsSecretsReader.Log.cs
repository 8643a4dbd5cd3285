using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Aws;

internal sealed partial class AwsSecretsReader
{
    private static partial class Log
    {
        [LoggerMessage(460, LogLevel.Debug, "Checked AWS secret versions ({Listed} listed, -1: listing not allowed); read {Read} values; changed: {Changed}.", EventName = "AwsSecretsChecked")]
        public static partial void Checked(ILogger logger, int listed, int read, bool changed);

        [LoggerMessage(461, LogLevel.Warning, "secretsmanager:ListSecrets is denied for {Credentials}, so every poll reads every value (BatchGetSecretValue). Allow ListSecrets on Resource \"*\" to poll with one call.", EventName = "AwsListDenied")]
        public static partial void ListDenied(ILogger logger, string credentials);

        [LoggerMessage(462, LogLevel.Warning, "AWS secret '{Secret}' could not be read ({Code}); its last good value stays.", EventName = "AwsSecretFailed")]
        public static partial void SecretFailed(ILogger logger, string secret, string code);

        [LoggerMessage(463, LogLevel.Information, "AWS secret '{Secret}' no longer matches its prefix (deleted or renamed); its keys are removed.", EventName = "AwsSecretGone")]
        public static partial void SecretGone(ILogger logger, string secret);
    }
}
