using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration.AspNetCore;

internal sealed partial class CertificateMonitor
{
    private static partial class Log
    {
        [LoggerMessage(1000, LogLevel.Information, "TLS '{Section}': new handshakes now use subject '{Subject}', thumbprint {Thumbprint}, NotAfter {NotAfter:u} ({Intermediates} intermediates served, {Authorities} CAs in ca.crt; generation {Generation}).", EventName = "TlsCertificatePublished")]
        public static partial void Published(ILogger logger, string section, string subject, string thumbprint, DateTimeOffset notAfter, int intermediates, int authorities, long generation);

        [LoggerMessage(1001, LogLevel.Warning, "TLS '{Section}': the new certificate is refused: {Reason}. New handshakes keep using subject '{Subject}', thumbprint {Thumbprint}, NotAfter {NotAfter:u}.", EventName = "TlsCertificateRefused")]
        public static partial void Refused(ILogger logger, string section, string reason, string subject, string thumbprint, DateTimeOffset notAfter);

        [LoggerMessage(1002, LogLevel.Error, "TLS '{Section}': no certificate can be used: {Reason}.", EventName = "TlsCertificateUnavailable")]
        public static partial void RefusedNoneInUse(ILogger logger, string section, string reason);
    }
}
