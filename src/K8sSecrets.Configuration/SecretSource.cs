namespace K8sSecrets.Configuration;

/// <summary>
/// The contract every secret store plugs into the shared refresh engine with. A source knows how
/// to read one consistent <see cref="SecretSnapshot"/> and, optionally, how to notice that it
/// should be read again; the engine owns everything else: key mapping, comparison, the atomic
/// swap, change notification, keeping the last good values, retries, logging and metrics.
/// </summary>
/// <remarks>
/// The engine calls <see cref="LoadAsync"/> from one task at a time, never concurrently.
/// Exceptions thrown by <see cref="LoadAsync"/> count as a failed refresh; throw a
/// <see cref="SecretSourceException"/> so that the message (which must hold no secret) can be
/// logged. The text of any other exception is never logged.
/// </remarks>
public abstract class SecretSource : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="SecretSource"/> class.</summary>
    /// <param name="kind">A short, stable tag for the kind of store, for example <c>volume</c>.</param>
    /// <param name="name">What this source reads, for example a folder or <c>namespace/secret</c>.</param>
    /// <param name="options">The source's settings.</param>
    protected SecretSource(string kind, string name, SecretSourceOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        Kind = kind;
        Name = name;
        Options = options;
    }

    /// <summary>Gets the kind of store, used as the <c>source.kind</c> tag in logs and metrics.</summary>
    public string Kind { get; }

    /// <summary>Gets what this source reads, used as the <c>source.name</c> tag in logs and metrics.</summary>
    public string Name { get; }

    /// <summary>Gets the source's settings.</summary>
    public SecretSourceOptions Options { get; }

    /// <summary>
    /// Gets how often the engine should read the source when nothing else asks it to, or
    /// <see langword="null"/> when the source notifies the engine itself. Read again after every refresh.
    /// </summary>
    public virtual TimeSpan? PollInterval => null;

    /// <summary>
    /// Gets how long the engine waits after the last change notification before it reads, so
    /// that a burst of notifications becomes one read. Read again after every notification.
    /// </summary>
    public virtual TimeSpan Debounce => TimeSpan.Zero;

    /// <summary>Reads the source.</summary>
    /// <param name="force"><see langword="true"/> to read everything even if the source believes
    /// nothing changed: the first load, a forced refresh, and every read after a failed one (the
    /// last snapshot returned may never have been published).</param>
    /// <param name="cancellationToken">Cancelled when the provider is disposed.</param>
    /// <returns>The snapshot, or <see langword="null"/> when the source knows nothing changed since
    /// the last snapshot it returned.</returns>
    public abstract ValueTask<SecretSnapshot?> LoadAsync(bool force, CancellationToken cancellationToken);

    /// <summary>
    /// Called once, after the first load, to let the source start noticing changes. The source
    /// calls <paramref name="requestRefresh"/> whenever it should be read again; calls are
    /// coalesced and cheap, and may come from any thread.
    /// </summary>
    /// <param name="requestRefresh">Asks the engine for a refresh.</param>
    public virtual void StartWatching(Action requestRefresh)
    {
    }

    /// <summary>Creates an empty snapshot that decodes bytes with this source's settings.</summary>
    /// <returns>A new snapshot.</returns>
    protected SecretSnapshot NewSnapshot() => new(Options);

    /// <inheritdoc />
    public override string ToString() => $"{Kind} '{Name}'";

    /// <summary>Stops watching and releases resources.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops watching and releases resources.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
