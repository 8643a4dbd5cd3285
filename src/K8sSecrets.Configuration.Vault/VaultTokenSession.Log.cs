using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Vault;

internal sealed partial class VaultTokenSession
{
    private static partial class Log
    {
        [LoggerMessage(400, LogLevel.Information, "Logged in to Vault with {Method}; the token lasts {TtlSeconds} s (renewable: {Renewable}).", EventName = "VaultLoggedIn")]
        public static partial void LoggedIn(ILogger logger, string method, long ttlSeconds, bool renewable);

        [LoggerMessage(401, LogLevel.Debug, "Renewed the Vault token of {Method} for {TtlSeconds} s.", EventName = "VaultTokenRenewed")]
        public static partial void TokenRenewed(ILogger logger, string method, long ttlSeconds);

        [LoggerMessage(402, LogLevel.Information, "Logging in to Vault again with {Method}: {Reason}.", EventName = "VaultLoggingInAgain")]
        public static partial void LoggingInAgain(ILogger logger, string method, string reason);

        [LoggerMessage(403, LogLevel.Warning, "The Vault token of {Method} cannot be renewed ({Reason}) and cannot be obtained again; reads will fail once it expires.", EventName = "VaultTokenNotRenewable")]
        public static partial void TokenNotRenewable(ILogger logger, string method, string reason);

        [LoggerMessage(404, LogLevel.Information, "Using {Method}; it lasts {TtlSeconds} s (0: no expiry), renewable: {Renewable}.", EventName = "VaultTokenAdopted")]
        public static partial void TokenAdopted(ILogger logger, string method, long ttlSeconds, bool renewable);

        [LoggerMessage(405, LogLevel.Warning, "Vault no longer accepts the token of {Method}; logging in again.", EventName = "VaultTokenRejected")]
        public static partial void TokenRejected(ILogger logger, string method);

        [LoggerMessage(406, LogLevel.Information, "Unwrapped the response-wrapped AppRole secret_id; the wrapping token is spent.", EventName = "VaultSecretIdUnwrapped")]
        public static partial void Unwrapped(ILogger logger);
    }
}
