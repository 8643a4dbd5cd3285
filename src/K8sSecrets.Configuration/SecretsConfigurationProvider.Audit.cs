using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

public sealed partial class SecretsConfigurationProvider
{
    /// <summary>
    /// The logging category of audit events: one Information event (id 100, <c>SecretsChanged</c>)
    /// per published change, with the source, its version, the names of the keys added, changed and
    /// removed, and the identity the source read with. Never a value nor a hash of one. Route this
    /// category to an audit sink.
    /// </summary>
    public const string AuditCategory = "K8sSecrets.Configuration.Audit";

    private ILogger? _audit;

    private void Audit(SecretsChangedEventArgs change)
    {
        var logger = _audit ??= _settings.LoggerFactory.CreateLogger(AuditCategory);
        AuditLog.SecretsChanged(
            logger,
            Source.Kind,
            Source.Name,
            change.Version ?? "(none)",
            change.Added,
            change.Changed,
            change.Removed,
            Source.Identity ?? "(unknown)");
    }

    private static partial class AuditLog
    {
        [LoggerMessage(100, LogLevel.Information, "{Kind} '{Name}' published version {Version} read as {Identity}: added {Added}, changed {Changed}, removed {Removed}.", EventName = "SecretsChanged")]
        public static partial void SecretsChanged(ILogger logger, string kind, string name, string version, IReadOnlyList<string> added, IReadOnlyList<string> changed, IReadOnlyList<string> removed, string identity);
    }
}
