namespace K8sSecrets.Configuration;

/// <summary>
/// One consistent read of a secret source: every name and value it holds at one moment, plus
/// the names it could not read this time. A source fills a snapshot; the refresh engine maps
/// names to configuration keys, compares the result with what is published, and swaps it in.
/// </summary>
/// <remarks>
/// Names use <c>/</c> or <c>__</c> as separators; both become <c>:</c> in configuration keys.
/// A name that could not be read (see <see cref="AddFailure"/>) keeps its last published value,
/// so one bad file or path never wipes a good one.
/// </remarks>
public sealed partial class SecretSnapshot
{
    /// <summary>The largest value accepted, in bytes: 1 MiB, the Kubernetes limit for a Secret.</summary>
    public const int MaxValueBytes = 1024 * 1024;

    private readonly bool _trimTrailingNewline;
    private readonly List<KeyValuePair<string, string?>> _entries = [];
    private List<KeyValuePair<string, string>>? _failures;
    private List<string>? _base64Names;

    /// <summary>Initializes a new, empty snapshot that decodes bytes with the source's settings.</summary>
    /// <param name="options">The settings of the source that fills the snapshot.</param>
    public SecretSnapshot(SecretSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _trimTrailingNewline = options.TrimTrailingNewline;
    }

    /// <summary>Gets the names and decoded values added so far, in the order they were added.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Entries => _entries;

    /// <summary>Gets the names that could not be read, each with a reason that holds no secret value.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Failures => (IReadOnlyList<KeyValuePair<string, string>>?)_failures ?? [];

    /// <summary>Gets the names whose bytes were not valid UTF-8 and were published as base64.</summary>
    public IReadOnlyList<string> Base64Names => (IReadOnlyList<string>?)_base64Names ?? [];

    /// <summary>
    /// Gets or sets a short, non-secret label of the generation read (a kubelet timestamp folder,
    /// a resourceVersion, a KV version), used in logs.
    /// </summary>
    public string? Version { get; set; }

    /// <summary>Adds a value that is already text.</summary>
    /// <param name="name">The secret's name, for example <c>db/password</c> or <c>Db__Password</c>.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty: a source drops (and reports)
    /// a store's field with an empty name before it gets here, as <see cref="SecretJson"/> does.</exception>
    public void Add(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _entries.Add(new(name, value));
    }

    /// <summary>
    /// Adds a value that arrived as bytes, decoded by the one policy shared by every source:
    /// a UTF-8 byte order mark is dropped, one trailing newline is trimmed when
    /// <see cref="SecretSourceOptions.TrimTrailingNewline"/> is set, bytes that are not valid UTF-8 are
    /// published as their base64 text (lossless; listed in <see cref="Base64Names"/>), and a value
    /// over <see cref="MaxValueBytes"/> is refused and recorded as a failure.
    /// </summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The raw bytes.</param>
    public void Add(string name, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (value.Length > MaxValueBytes)
        {
            AddFailure(name, $"the value is {value.Length} bytes, over the 1 MiB limit of a Kubernetes Secret");
            return;
        }

        var text = SecretValueDecoder.Decode(value, _trimTrailingNewline, out var isBase64);
        if (isBase64)
        {
            (_base64Names ??= []).Add(name);
        }

        _entries.Add(new(name, text));
    }

    /// <summary>
    /// Records that a name (a file, a key, a whole path) could not be read this time. Every
    /// published key at or below that name keeps its last good value, and the engine reports the
    /// name through <see cref="SecretSourceHealth.FailingKeys"/>, with when it first failed, until a
    /// snapshot arrives in which it does not fail (a read that returns <see cref="SecretLoadResult.Unchanged()"/>
    /// keeps it failing). A source records the failure again in every snapshot while it lasts.
    /// </summary>
    /// <param name="name">The name, or a prefix of names, that failed.</param>
    /// <param name="reason">Why, naming the file or path and never the value.</param>
    public void AddFailure(string name, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        (_failures ??= []).Add(new(name, reason));
    }
}
