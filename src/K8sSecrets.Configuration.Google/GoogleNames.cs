using System.Buffers;

namespace K8sSecrets.Configuration.Google;

/// <summary>The naming rules of Secret Manager.</summary>
internal static class GoogleNames
{
    private static readonly SearchValues<char> SecretIdChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    private static readonly SearchValues<char> ProjectChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-.:");

    private static readonly SearchValues<char> LabelChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-_");

    private static readonly SearchValues<char> LocationChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    /// <summary>The host of the global endpoint, which serves global secrets only.</summary>
    public const string GlobalHost = "secretmanager.googleapis.com";

    private const string RegionalHostStart = "secretmanager.";
    private const string RegionalHostEnd = ".rep.googleapis.com";

    /// <summary>A secret id: 1 to 255 letters, digits, <c>-</c> and <c>_</c>.</summary>
    public static bool IsSecretId(string value) => value.Length is > 0 and <= 255 && !value.AsSpan().ContainsAnyExcept(SecretIdChars);

    /// <summary>A project id (lower-case letters, digits, <c>-</c>, and a domain prefix) or a project number.</summary>
    public static bool IsProject(string value) => value.Length is > 0 and <= 100 && !value.AsSpan().ContainsAnyExcept(ProjectChars);

    /// <summary>A label key or value: lower-case letters, digits, <c>-</c> and <c>_</c>, at most 63.</summary>
    public static bool IsLabel(string value, bool allowEmpty) => (allowEmpty || value.Length > 0) && value.Length <= 63 && !value.AsSpan().ContainsAnyExcept(LabelChars);

    /// <summary>A version: a positive number, <c>latest</c>, or an alias (letters, digits, <c>-</c>, <c>_</c>).</summary>
    public static bool IsVersion(string value) => IsSecretId(value) && value.Length <= 63 && value != "0";

    /// <summary>
    /// Why <c>global</c> is no location: Secret Manager's global secrets have none (they are named
    /// <c>projects/{project}/secrets/{id}</c> and served by the global endpoint), and it has no regional
    /// endpoint of that name (its regional endpoint locations are regions only).
    /// </summary>
    public const string GlobalIsNoLocation =
        "global secrets have no location (they are named projects/<project>/secrets/<id> and read at https://secretmanager.googleapis.com/), and secretmanager.global.rep.googleapis.com does not exist. "
        + "Leave the location unset for global secrets, or name the region of regional ones, for example europe-west1.";

    /// <summary>Whether a location is <c>global</c> (in any case), which names the global endpoint rather than a location.</summary>
    public static bool IsGlobal(string? location) => string.Equals(location, "global", StringComparison.OrdinalIgnoreCase);

    /// <summary>A location such as <c>europe-west1</c>: a lower-case letter, then lower-case letters, digits and <c>-</c>, at most 63.</summary>
    public static bool IsLocation(string value) => value.Length is > 0 and <= 63 && char.IsAsciiLetterLower(value[0]) && !value.AsSpan().ContainsAnyExcept(LocationChars);

    /// <summary>
    /// The location of a regional endpoint (<c>https://secretmanager.{location}.rep.googleapis.com/</c>),
    /// or <see langword="null"/> for any other endpoint (the global one, a private one, a test double).
    /// </summary>
    public static string? LocationOf(Uri endpoint)
    {
        var host = endpoint.IdnHost;
        if (!host.StartsWith(RegionalHostStart, StringComparison.OrdinalIgnoreCase) || !host.EndsWith(RegionalHostEnd, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var location = host[RegionalHostStart.Length..^RegionalHostEnd.Length].ToLowerInvariant();
        return IsLocation(location) ? location : null;
    }

    /// <summary>The regional endpoint of a location: <c>https://secretmanager.{location}.rep.googleapis.com/</c>.</summary>
    public static Uri RegionalEndpoint(string location) => new($"https://{RegionalHostStart}{location}{RegionalHostEnd}/");

    /// <summary>The parent of a project's secrets: <c>projects/{project}</c>, or <c>projects/{project}/locations/{location}</c> for regional secrets.</summary>
    public static string Parent(string project, string? location)
        => location is null ? "projects/" + Uri.EscapeDataString(project) : $"projects/{Uri.EscapeDataString(project)}/locations/{Uri.EscapeDataString(location)}";

    /// <summary>
    /// The version number of a version's resource name (<c>projects/{p}/secrets/{secret}/versions/{n}</c>,
    /// or <c>projects/{p}/locations/{location}/secrets/{secret}/versions/{n}</c>) when it names exactly
    /// <paramref name="secretId"/> in <paramref name="location"/> (<see langword="null"/>: global); else <see langword="null"/>.
    /// </summary>
    public static string? VersionOf(string name, string secretId, string? location)
    {
        var parts = name.Split('/');
        var (secret, version) = (parts, location) switch
        {
            (["projects", { Length: > 0 }, "secrets", var s, "versions", var v], null) => (s, v),
            (["projects", { Length: > 0 }, "locations", var l, "secrets", var s, "versions", var v], not null) when string.Equals(l, location, StringComparison.Ordinal) => (s, v),
            _ => (null, null),
        };
        return string.Equals(secret, secretId, StringComparison.Ordinal) && version is { Length: > 0 and <= 19 } && version.All(char.IsAsciiDigit) ? version : null;
    }

    /// <summary>Takes the last segment of a resource name such as <c>projects/123/secrets/db/versions/7</c>.</summary>
    public static string LastSegment(string resourceName)
    {
        var slash = resourceName.LastIndexOf('/');
        return slash < 0 ? resourceName : resourceName[(slash + 1)..];
    }
}
