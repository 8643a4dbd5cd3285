using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sSecrets.Configuration.Hosting;

/// <summary>
/// The settings of the <c>K8sSecrets</c> section, read without reflection (the package is AOT-safe).
/// A setting left out keeps the library's default; a malformed one fails at the call, naming the key.
/// </summary>
internal sealed class HostSettings
{
    private readonly IConfigurationSection _section;

    public HostSettings(IConfigurationSection section)
    {
        _section = section;
        MinRetryDelay = Time("MinRetryDelay");
        MaxRetryDelay = Time("MaxRetryDelay");
        MaxRetryAfter = Time("MaxRetryAfter");
        StartupTimeout = Time("StartupTimeout");
        DisableHealthChecks = Flag("DisableHealthChecks") ?? false;
        FailureThreshold = Count("HealthChecks:FailureThreshold");
        StalenessThreshold = Time("HealthChecks:StalenessThreshold");
        ExpiryThreshold = Time("HealthChecks:ExpiryThreshold");
        RestartMinDelay = Time("Restart:MinDelay");
        RestartMaxDelay = Time("Restart:MaxDelay");
    }

    public TimeSpan? MinRetryDelay { get; }

    public TimeSpan? MaxRetryDelay { get; }

    public TimeSpan? MaxRetryAfter { get; }

    public TimeSpan? StartupTimeout { get; }

    public bool DisableHealthChecks { get; }

    public int? FailureThreshold { get; }

    public TimeSpan? StalenessThreshold { get; }

    public TimeSpan? ExpiryThreshold { get; }

    public TimeSpan? RestartMinDelay { get; }

    public TimeSpan? RestartMaxDelay { get; }

    public void ApplyTo(KubernetesSecretsBuilder secrets)
    {
        secrets.MinRetryDelay = MinRetryDelay ?? secrets.MinRetryDelay;
        secrets.MaxRetryDelay = MaxRetryDelay ?? secrets.MaxRetryDelay;
        secrets.MaxRetryAfter = MaxRetryAfter ?? secrets.MaxRetryAfter;
        secrets.StartupTimeout = StartupTimeout ?? secrets.StartupTimeout;
    }

    public void ApplyTo(SecretsRestartOptions restart)
    {
        restart.MinDelay = RestartMinDelay ?? restart.MinDelay;
        restart.MaxDelay = RestartMaxDelay ?? restart.MaxDelay;
    }

    /// <summary>The registration <c>AddHealthChecks().AddKubernetesSecrets(...)</c> would add, with these thresholds.</summary>
    public HealthCheckRegistration HealthCheckRegistration(IServiceCollection services)
    {
        var capture = new RegistrationCapture(services);
        capture.AddKubernetesSecrets(options =>
        {
            options.FailureThreshold = FailureThreshold ?? options.FailureThreshold;
            options.StalenessThreshold = StalenessThreshold ?? options.StalenessThreshold;
            options.ExpiryThreshold = ExpiryThreshold ?? options.ExpiryThreshold;
        });
        return capture.Registration!;
    }

    /// <summary>The value is not repeated: whatever a configuration source put there stays out of the message.</summary>
    private InvalidOperationException Malformed(string name, string expected)
        => new($"The setting {_section.Path}:{name} (AddKubernetesSecrets on the host builder) cannot be read: it must be {expected}. Fix it in appsettings.json or wherever it is set, or remove it to keep the default.");

    private TimeSpan? Time(string name) => _section[name] switch
    {
        null or "" => null,
        var text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw Malformed(name, "a time span; write it as [d.]hh:mm:ss, for example \"00:00:30\" for 30 seconds"),
    };

    private int? Count(string name) => _section[name] switch
    {
        null or "" => null,
        var text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
        _ => throw Malformed(name, "a whole number, for example 3"),
    };

    private bool? Flag(string name) => _section[name] switch
    {
        null or "" => null,
        var text when bool.TryParse(text, out var value) => value,
        _ => throw Malformed(name, "true or false"),
    };

    /// <summary>Takes the one registration the health checks package's public extension adds.</summary>
    private sealed class RegistrationCapture(IServiceCollection services) : IHealthChecksBuilder
    {
        public HealthCheckRegistration? Registration { get; private set; }

        public IServiceCollection Services { get; } = services;

        public IHealthChecksBuilder Add(HealthCheckRegistration registration)
        {
            Registration = registration;
            return this;
        }
    }
}
