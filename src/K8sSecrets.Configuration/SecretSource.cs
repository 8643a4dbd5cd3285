namespace K8sSecrets.Configuration;

/// <summary>
/// The contract every secret store plugs into the shared refresh engine with. A source reads one
/// consistent <see cref="SecretSnapshot"/> when asked and says when it wants to be asked again;
/// a source that can notice changes itself (a watch) also tells the engine through
/// <see cref="SecretSourceSignals"/>. The engine owns everything else: key mapping, comparison,
/// the atomic swap, change notification, keeping the last good values, retries, health, logging
/// and metrics. See <c>docs/writing-a-source.md</c>.
/// </summary>
/// <remarks>
/// The engine calls <see cref="LoadAsync"/> from one task at a time, never concurrently. A load
/// that fails as a whole throws a <see cref="SecretSourceException"/> whose message (which must
/// hold no secret) is logged; the text of any other exception is never logged. A load in which
/// only some names fail returns a snapshot with those names recorded through
/// <see cref="SecretSnapshot.AddFailure"/>.
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
    /// Gets who the source reads as, for audit events: a service account, a Vault role, a client id,
    /// a role ARN; or <see langword="null"/> when unknown. Never a credential.
    /// </summary>
    public virtual string? Identity => null;

    /// <summary>
    /// Gets how often the source polls its store, or <see langword="null"/> when it does not poll (it
    /// watches, or is read only when it asks). After a failed read the engine reads again at this
    /// interval when that is sooner than the backoff, also before any read succeeded, so that an
    /// optional source refused at start loads within about one poll of being allowed.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public virtual TimeSpan? PollInterval => null;

    /// <summary>Reads the source.</summary>
    /// <param name="context">Why the engine reads, and whether everything must be read
    /// (<see cref="SecretLoadContext.ReadAll"/>).</param>
    /// <param name="cancellationToken">Cancelled when the provider is disposed.</param>
    /// <returns><see cref="SecretLoadResult.Read(SecretSnapshot)"/> with everything the source holds
    /// now, or <see cref="SecretLoadResult.Unchanged()"/> when the source knows nothing changed since
    /// the last snapshot it returned (never when <see cref="SecretLoadContext.ReadAll"/> is set); either
    /// with the time until the next read the source wants.</returns>
    public abstract ValueTask<SecretLoadResult> LoadAsync(SecretLoadContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Called once, after the first load, to let the source start noticing changes by itself. The
    /// source keeps <paramref name="signals"/> and uses it, from any thread, to ask for a read and to
    /// report the health of its background work.
    /// </summary>
    /// <param name="signals">The source's line to the engine.</param>
    public virtual void StartWatching(SecretSourceSignals signals)
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
