using k8s;

namespace K8sSecrets.Configuration.Kubernetes;

/// <summary>
/// Settings of Secrets read from the Kubernetes API with list + watch (<c>FromApi</c>).
/// </summary>
/// <remarks>
/// Each named Secret is listed and watched on its own with <c>fieldSelector=metadata.name=&lt;name&gt;</c>,
/// so a Role with <c>resourceNames</c> and the verbs <c>get</c>, <c>list</c> and <c>watch</c> is
/// enough. A <see cref="LabelSelector"/> lists and watches the namespace's Secrets that match it,
/// which needs <c>list</c> and <c>watch</c> on all Secrets of the namespace.
/// </remarks>
public sealed class ApiSecretOptions : SecretSourceOptions
{
    /// <summary>Gets or sets the namespace the Secrets live in.</summary>
    /// <value>The default is <see langword="null"/>: the pod's own namespace (the service account's
    /// <c>namespace</c> file), else the namespace of the kubeconfig's current context, else <c>default</c>.</value>
    public string? Namespace { get; set; }

    /// <summary>Gets the names of the Secrets to read; each is listed and watched on its own.</summary>
    /// <value>The default is empty. Either names or a <see cref="LabelSelector"/> (or both) must be given.</value>
    public IList<string> SecretNames { get; } = [];

    /// <summary>
    /// Gets or sets a label selector, for example <c>app.kubernetes.io/part-of=payments</c>: every
    /// Secret of the namespace that matches it is read, and Secrets that start or stop matching are
    /// added or removed.
    /// </summary>
    /// <value>The default is <see langword="null"/>: only <see cref="SecretNames"/> are read.</value>
    public string? LabelSelector { get; set; }

    /// <summary>Gets or sets the client to call the API with. It is not disposed by the source.</summary>
    /// <value>The default is <see langword="null"/>: the in-cluster service account when running in
    /// a pod (its token file is read again when it rotates), else the kubeconfig's current context.</value>
    public IKubernetes? Client { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the keys of a Secret that is deleted stay published
    /// with their last values (until the Secret is created again) instead of being removed.
    /// </summary>
    /// <value>The default is <see langword="false"/>: a deleted Secret's keys are removed.</value>
    public bool KeepKeysOnDelete { get; set; }

    /// <summary>
    /// Gets or sets how long the API server keeps one watch open (<c>timeoutSeconds</c>) before it
    /// ends it and the source renews it from the last resourceVersion. Each watch asks for a
    /// random time between 90 % and 100 % of this, so that many pods do not renew together.
    /// </summary>
    /// <value>The default is 5 minutes. It must be at least 1 second.</value>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long a watch may stay silent (no event, no bookmark) before the source
    /// decides the connection is dead, drops it and watches again from the last resourceVersion.
    /// </summary>
    /// <value>The default is <see langword="null"/>: <see cref="WatchTimeout"/> plus 30 seconds, so a
    /// quiet but healthy watch is never cut before the server ends it.</value>
    public TimeSpan? WatchIdleTimeout { get; set; }

    /// <summary>
    /// Gets or sets the longest random wait before reconnecting after a watch was cut off or ended
    /// early (not by the server at its timeout), so that thousands of pods cut off together (an
    /// API server restart, a load balancer failover) do not reconnect in the same second. Nothing
    /// is lost while waiting: the watch resumes from the last resourceVersion.
    /// </summary>
    /// <value>The default is 10 seconds; <see cref="TimeSpan.Zero"/> reconnects at once.</value>
    public TimeSpan ReconnectSpread { get; set; } = TimeSpan.FromSeconds(10);

    internal TimeSpan EffectiveIdleTimeout => WatchIdleTimeout ?? WatchTimeout + TimeSpan.FromSeconds(30);

    internal void CheckSettings()
    {
        if (SecretNames.Count == 0 && string.IsNullOrWhiteSpace(LabelSelector))
        {
            throw new ArgumentException("Name at least one Secret or set a LabelSelector.", nameof(SecretNames));
        }

        foreach (var name in SecretNames)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Contains(',', StringComparison.Ordinal) || name.Contains('=', StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{name}' is not a valid Secret name.", nameof(SecretNames));
            }
        }

        if (SecretNames.Distinct(StringComparer.Ordinal).Count() != SecretNames.Count)
        {
            throw new ArgumentException("A Secret is named more than once.", nameof(SecretNames));
        }

        if (Namespace is not null && string.IsNullOrWhiteSpace(Namespace))
        {
            throw new ArgumentException("Namespace must not be blank; leave it null for the default.", nameof(Namespace));
        }

        if (WatchTimeout < TimeSpan.FromSeconds(1) || WatchTimeout > SecretRetryPolicy.LongestWait)
        {
            throw new ArgumentOutOfRangeException(nameof(WatchTimeout), WatchTimeout, "WatchTimeout must be at least 1 second and at most a day.");
        }

        if (WatchIdleTimeout is { } idle && (idle <= TimeSpan.Zero || idle > SecretRetryPolicy.LongestWait))
        {
            throw new ArgumentOutOfRangeException(nameof(WatchIdleTimeout), idle, "WatchIdleTimeout must be positive and at most a day.");
        }

        if (ReconnectSpread < TimeSpan.Zero || ReconnectSpread > SecretRetryPolicy.LongestWait)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconnectSpread), ReconnectSpread, "ReconnectSpread must not be negative nor longer than a day.");
        }
    }
}
