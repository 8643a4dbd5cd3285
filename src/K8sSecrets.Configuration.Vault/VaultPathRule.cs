using System.Buffers;

namespace K8sSecrets.Configuration.Vault;

/// <summary>
/// The one rule for a path the Vault client puts in a request URL: a secret path (KV v1/v2 or a
/// dynamic engine's), a KV mount, an auth mount, and the ExternalSecrets package's keys. <c>?</c>
/// and <c>#</c> would end the path, <c>%</c> would be read as an escape, <c>\</c> becomes <c>/</c>
/// in an http URI, a <c>:</c> in the first segment makes it a scheme, and <c>.</c>, <c>..</c> or
/// empty segments would be folded away, so another path than the one named would be read.
/// </summary>
internal static class VaultPathRule
{
    private static readonly SearchValues<char> s_notInPath = SearchValues.Create("?#%\\");

    /// <summary>Why <paramref name="path"/> (without surrounding slashes) cannot be sent as it is, or <see langword="null"/>.</summary>
    public static string? Problem(string path)
    {
        var at = path.AsSpan().IndexOfAny(s_notInPath);
        if (at >= 0)
        {
            return $"holds '{path[at]}', which would not reach Vault as part of the path";
        }

        var segments = path.Split('/');
        if (segments[0].Contains(':', StringComparison.Ordinal))
        {
            return "holds ':' in its first segment, which a URL reads as a scheme (http:x/y would read x/y)";
        }

        foreach (var segment in segments)
        {
            if (segment is "." or "..")
            {
                return $"holds a '{segment}' segment, which would read another path than it names";
            }

            if (segment.Length == 0)
            {
                return "holds an empty segment ('//'), which would read another path than it names";
            }
        }

        return null;
    }

    /// <summary>The path without surrounding slashes; refused (naming it, the part and the fix) when <see cref="Problem"/> finds one.</summary>
    /// <exception cref="ArgumentException">The path breaks the rule.</exception>
    public static string Checked(string path, string what, string paramName)
    {
        var trimmed = path.Trim('/');
        if (Problem(trimmed) is { } problem)
        {
            throw new ArgumentException(
                $"{what} '{path}' {problem}: a Vault path is put into the request URL as written; join its segments with single '/', with no '.' or '..' segment, no '?', '#', '%' or '\\', and no ':' before the first '/' (pin a KV version with Secret(path, section, version)).",
                paramName);
        }

        return trimmed;
    }
}
