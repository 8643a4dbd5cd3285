using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.Npgsql;

public sealed partial class RotatingNpgsqlDataSource
{
    private static partial class Log
    {
        [LoggerMessage(1101, LogLevel.Information, "Data source '{Name}': new connections for user '{User}' now log in with the rotated password (pool {Pool} kept).", EventName = "NpgsqlPasswordRotated")]
        public static partial void PasswordRotated(ILogger logger, string name, string user, int pool);

        [LoggerMessage(1102, LogLevel.Information, "Data source '{Name}': switched from user '{OldUser}' (pool {OldPool}) to user '{User}' (pool {Pool}); the old pool drains for at most {DrainTimeout}.", EventName = "NpgsqlPoolSwitched")]
        public static partial void Switched(ILogger logger, string name, string oldUser, int oldPool, string user, int pool, TimeSpan drainTimeout);

        [LoggerMessage(1103, LogLevel.Warning, "Data source '{Name}': the new credentials for user '{User}' failed to log in ({Error}); the last working credentials (user '{CurrentUser}') stay in use, retry in {RetryInterval} or at the next change.", EventName = "NpgsqlCredentialsRejected")]
        public static partial void Rejected(ILogger logger, string name, string user, string error, string currentUser, TimeSpan retryInterval);

        [LoggerMessage(1104, LogLevel.Error, "Data source '{Name}': {Problem}; the last working connection settings stay in use.", EventName = "NpgsqlConfigurationInvalid")]
        public static partial void ConfigurationInvalid(ILogger logger, string name, string problem);

        [LoggerMessage(1105, LogLevel.Information, "Data source '{Name}': pool {Pool} (user '{User}') disposed, {Reason}.", EventName = "NpgsqlPoolDisposed")]
        public static partial void PoolDisposed(ILogger logger, string name, int pool, string user, string reason);

        [LoggerMessage(1106, LogLevel.Information, "Data source '{Name}': the configuration is back to the credentials in use (user '{User}').", EventName = "NpgsqlCredentialsRestored")]
        public static partial void Restored(ILogger logger, string name, string user);

        [LoggerMessage(1107, LogLevel.Warning, "Data source '{Name}': a login as user '{User}' was refused ({SqlState}); checking the configuration for newer credentials.", EventName = "NpgsqlLoginRefused")]
        public static partial void LoginRefused(ILogger logger, string name, string user, string sqlState);
    }
}
