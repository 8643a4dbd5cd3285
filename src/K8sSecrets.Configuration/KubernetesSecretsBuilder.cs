using Microsoft.Extensions.Logging;

namespace K8sSecrets.Configuration;

/// <summary>
/// Collects the secret sources of one <c>AddKubernetesSecrets</c> call and the settings they
/// share. Store packages add their own <c>From...</c> methods here as extension methods that
/// call <see cref="AddSource"/>.
/// </summary>
public sealed class KubernetesSecretsBuilder
{
    private readonly List<Func<SecretSourceContext, SecretSource>> _factories = [];
    private readonly List<Action<SecretsConfigurationProvider>> _providerCallbacks = [];

    internal KubernetesSecretsBuilder()
    {
    }

    /// <summary>Gets or sets the logger factory every source and the refresh engine log to.</summary>
    /// <value>The default is <see langword="null"/>: the host's factory, attached when the host starts
    /// (<c>builder.AddKubernetesSecrets(...)</c> on the host builder does so, or
    /// <see cref="SecretsConfigurationProvider.AttachLoggerFactory"/>); the Information-and-above
    /// records written before then (the first load, failures) are replayed into it once. Until one is
    /// attached nothing is written. A factory set here is used as it is and never replaced.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock every timer, delay and timestamp goes through.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="TimeProvider.System"/> is used.</value>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Gets or sets the first retry delay after a failed refresh; it doubles per failure.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest retry delay after repeated failures.</summary>
    /// <value>The default is 2 minutes. Each delay is jittered down by up to half.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets the longest <c>Retry-After</c> a store is obeyed for; a store asking for longer
    /// (a misbehaving proxy's <c>Retry-After: 86400</c>) is read again after this.
    /// </summary>
    /// <value>The default is 10 minutes. No wait of the library is ever longer than
    /// <see cref="SecretRetryPolicy.LongestWait"/> (one day).</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets how long the first load of a required source that its store throttles (HTTP 429,
    /// <c>ThrottlingException</c>, <c>RESOURCE_EXHAUSTED</c>, or any transient failure with a
    /// <c>Retry-After</c>) is retried before <c>Build()</c> fails. Each wait is the store's <c>Retry-After</c>
    /// (capped at <see cref="MaxRetryAfter"/>) plus up to <see cref="MinRetryDelay"/> of jitter; without one it is
    /// the retry backoff (<see cref="MinRetryDelay"/>, doubling, jittered) held at 8 × <see cref="MinRetryDelay"/>,
    /// so that pods come back as soon as the quota allows. A store asking for longer than the budget left fails
    /// at once. For a rollout, set it to at least the time the store's quota needs for every pod's first load
    /// (see each store's page in docs/). Other failures (403, a missing secret, a bad setting) fail <c>Build()</c> at once,
    /// and optional sources start empty as before. <c>Build()</c> blocks for at most about this long.
    /// </summary>
    /// <value>The default is 30 seconds; <see cref="TimeSpan.Zero"/> fails at the first throttled answer; at most one day.</value>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Adds a Secret mounted as a volume (or any folder of one-file-per-key secrets).</summary>
    /// <param name="path">The mount folder, for example <c>/var/run/secrets/app</c>.</param>
    /// <returns>This builder.</returns>
    public KubernetesSecretsBuilder FromVolume(string path) => FromVolume(path, configure: null);

    /// <summary>Adds a Secret mounted as a volume (or any folder of one-file-per-key secrets).</summary>
    /// <param name="path">The mount folder, for example <c>/var/run/secrets/app</c>.</param>
    /// <param name="configure">Adjusts the volume's settings; may be <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is not absolute (as <c>AddKeyPerFile</c>,
    /// a relative path is refused rather than resolved against whatever the current folder is).</exception>
    public KubernetesSecretsBuilder FromVolume(string path, Action<VolumeSecretOptions>? configure)
    {
        CheckVolumePath(path);
        var options = new VolumeSecretOptions();
        configure?.Invoke(options);
        options.CheckSettings();
        return AddSource(context => new VolumeSecretSource(path, options, context));
    }

    /// <summary>
    /// Adds a source built by <paramref name="factory"/>. The factory runs each time the
    /// configuration is built, so every provider owns a fresh source.
    /// </summary>
    /// <param name="factory">Creates the source from the shared settings.</param>
    /// <returns>This builder.</returns>
    public KubernetesSecretsBuilder AddSource(Func<SecretSourceContext, SecretSource> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factories.Add(factory);
        return this;
    }

    /// <summary>
    /// Adds a callback that runs for every provider this builder's sources create, each time the
    /// configuration is built and before the provider first loads. Packages that extend the builder
    /// use it to attach behaviour to its providers (for example a restart rule).
    /// </summary>
    /// <param name="callback">Receives each new provider.</param>
    /// <returns>This builder.</returns>
    public KubernetesSecretsBuilder OnProviderCreated(Action<SecretsConfigurationProvider> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        _providerCallbacks.Add(callback);
        return this;
    }

    /// <summary>Refuses a blank or relative volume path, naming it and the fix.</summary>
    internal static void CheckVolumePath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!Path.IsPathFullyQualified(path))
        {
            throw new ArgumentException(
                $"The secrets volume path '{path}' is relative; give an absolute path (the mount path in the pod spec, for example /var/run/secrets/app), or combine it with your content root yourself: Path.Combine(builder.Environment.ContentRootPath, \"{path}\").",
                nameof(path));
        }
    }

    internal IReadOnlyList<Func<SecretSourceContext, SecretSource>> Factories => _factories;

    internal IReadOnlyList<Action<SecretsConfigurationProvider>> ProviderCallbacks => _providerCallbacks;

    internal RefreshSettings BuildSettings()
    {
        SecretRetryPolicy.CheckWait(MinRetryDelay, nameof(MinRetryDelay));
        SecretRetryPolicy.CheckWait(MaxRetryDelay, nameof(MaxRetryDelay));
        SecretRetryPolicy.CheckWait(MaxRetryAfter, nameof(MaxRetryAfter));
        if (StartupTimeout < TimeSpan.Zero || StartupTimeout > SecretRetryPolicy.LongestWait)
        {
            throw new ArgumentOutOfRangeException(nameof(StartupTimeout), StartupTimeout, $"StartupTimeout must be zero (fail at once) or positive and at most {SecretRetryPolicy.LongestWait.TotalHours:0} hours.");
        }

        if (MaxRetryDelay < MinRetryDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MinRetryDelay), MinRetryDelay, "MinRetryDelay must be no larger than MaxRetryDelay.");
        }

        return new RefreshSettings(
            LoggerFactory ?? new DeferredLoggerFactory(),
            TimeProvider ?? TimeProvider.System,
            new SecretRetryPolicy(MinRetryDelay, MaxRetryDelay, MaxRetryAfter))
        {
            StartupTimeout = StartupTimeout,
        };
    }
}
