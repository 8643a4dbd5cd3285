using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    /// <summary>
    /// The logging category of audit events: one Information event (id 100, <c>SecretsChanged</c>)
    /// per published change, with the source, the names of the keys added, changed and removed, and,
    /// when the source knows them, its version and the identity it read with (left out otherwise).
    /// Never a value nor a hash of one. Route this category to an audit sink.
    /// </summary>
    public const string AuditCategory = "K8sSecrets.Configuration.Audit";

    private ILogger? _audit;

    private void Audit(SecretsChangedEventArgs change)
    {
        var logger = _audit ??= _settings.LoggerFactory.CreateLogger(AuditCategory);
        var (kind, name, version, identity) = (Source.Kind, Source.Name, change.Version, Source.Identity);
        if (version is not null && identity is not null)
        {
            AuditLog.SecretsChanged(logger, kind, name, version, change.Added, change.Changed, change.Removed, identity);
        }
        else if (version is not null)
        {
            AuditLogNoIdentity.SecretsChanged(logger, name, kind, version, change.Added, change.Changed, change.Removed);
        }
        else if (identity is not null)
        {
            AuditLogNoVersion.SecretsChanged(logger, name, kind, change.Added, change.Changed, change.Removed, identity);
        }
        else
        {
            AuditLogBare.SecretsChanged(logger, name, kind, change.Added, change.Changed, change.Removed);
        }
    }

    // One event (id 100) in four wordings, so that what the source does not know is left out rather
    // than printed as a placeholder. One class each: an event id is unique within a class. In every
    // wording the parameters are not in the template's order (name before kind), so the generator
    // formats the key lists the same way in all four ("[a, b]") instead of using LoggerMessage.Define.
    private static partial class AuditLog
    {
        [LoggerMessage(100, LogLevel.Information, "{Kind} '{Name}' published version {Version} read as {Identity}: added {Added}, changed {Changed}, removed {Removed}.", EventName = "SecretsChanged")]
        public static partial void SecretsChanged(ILogger logger, string kind, string name, string version, IReadOnlyList<string> added, IReadOnlyList<string> changed, IReadOnlyList<string> removed, string identity);
    }

    private static partial class AuditLogNoIdentity
    {
        [LoggerMessage(100, LogLevel.Information, "{Kind} '{Name}' published version {Version}: added {Added}, changed {Changed}, removed {Removed}.", EventName = "SecretsChanged")]
        public static partial void SecretsChanged(ILogger logger, string name, string kind, string version, IReadOnlyList<string> added, IReadOnlyList<string> changed, IReadOnlyList<string> removed);
    }

    private static partial class AuditLogNoVersion
    {
        [LoggerMessage(100, LogLevel.Information, "{Kind} '{Name}' published a change read as {Identity}: added {Added}, changed {Changed}, removed {Removed}.", EventName = "SecretsChanged")]
        public static partial void SecretsChanged(ILogger logger, string name, string kind, IReadOnlyList<string> added, IReadOnlyList<string> changed, IReadOnlyList<string> removed, string identity);
    }

    private static partial class AuditLogBare
    {
        [LoggerMessage(100, LogLevel.Information, "{Kind} '{Name}' published a change: added {Added}, changed {Changed}, removed {Removed}.", EventName = "SecretsChanged")]
        public static partial void SecretsChanged(ILogger logger, string name, string kind, IReadOnlyList<string> added, IReadOnlyList<string> changed, IReadOnlyList<string> removed);
    }
}
