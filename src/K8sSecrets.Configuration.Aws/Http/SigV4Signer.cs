using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace K8sSecrets.Configuration.Aws.Http;

/// <summary>
/// AWS Signature Version 4 for one request: canonical request, string to sign, signing key and
/// <c>Authorization</c> header, exactly as the SigV4 test suite spells them. Small and
/// self-contained so that it can be checked against the published vectors; the public signer of
/// AWSSDK.Core 4.1.0 always signs an extra <c>x-amz-content-sha256</c> header, so it cannot
/// reproduce them (the tests use it as a second, independent signer instead).
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Signs <paramref name="request"/> in place: sets <c>Host</c>, <c>X-Amz-Date</c>, the session token when there is one, and <c>Authorization</c>.</summary>
    /// <param name="request">A request whose content, if any, is <paramref name="body"/>.</param>
    /// <param name="body">The exact bytes sent.</param>
    /// <param name="credentials">The access key, secret key and optional session token.</param>
    /// <param name="region">The signing region.</param>
    /// <param name="service">The signing name, <c>secretsmanager</c>.</param>
    /// <param name="signedAt">The signing time (UTC).</param>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, SigningCredentials credentials, string region, string service, DateTimeOffset signedAt)
    {
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var amzDate = signedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Host = uri.Authority;
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.Remove("X-Amz-Security-Token");
        if (!string.IsNullOrEmpty(credentials.SessionToken))
        {
            // Added before signing, so that the token is covered by the signature.
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.SessionToken);
        }

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        AddHeaders(headers, request.Headers);
        if (request.Content is { } content)
        {
            AddHeaders(headers, content.Headers);
        }

        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = CanonicalRequest(request.Method.Method, uri.AbsolutePath, CanonicalQuery(uri.Query), headers, signedHeaders, HexSha256(body));
        var scope = Scope(signedAt, region, service);
        var stringToSign = StringToSign(amzDate, scope, canonical);
        var signature = Signature(credentials.SecretKey, signedAt, region, service, stringToSign);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            Algorithm,
            $"Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>The canonical request; <paramref name="headers"/> hold lowercased names and canonical values, sorted.</summary>
    public static string CanonicalRequest(string method, string path, string query, IEnumerable<KeyValuePair<string, string>> headers, string signedHeaders, string payloadHash)
    {
        var builder = new StringBuilder();
        builder.Append(method).Append('\n').Append(path.Length == 0 ? "/" : path).Append('\n').Append(query).Append('\n');
        foreach (var (name, value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return builder.ToString();
    }

    public static string Scope(DateTimeOffset signedAt, string region, string service)
        => $"{signedAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{region}/{service}/aws4_request";

    public static string StringToSign(string amzDate, string scope, string canonicalRequest)
        => $"{Algorithm}\n{amzDate}\n{scope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";

    public static string Signature(string secretKey, DateTimeOffset signedAt, string region, string service, string stringToSign)
    {
        var date = signedAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Convert.ToHexStringLower(Hmac(key, stringToSign));
    }

    /// <summary>A header value as SigV4 wants it: trimmed, runs of spaces made one.</summary>
    public static string CanonicalValue(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var builder = new StringBuilder(trimmed.Length);
        var space = false;
        foreach (var c in trimmed)
        {
            if (c == ' ')
            {
                if (!space)
                {
                    builder.Append(c);
                }

                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }

        return builder.ToString();
    }

    /// <summary>The query's already-encoded pairs sorted by name, then value.</summary>
    public static string CanonicalQuery(string query)
    {
        var raw = query.StartsWith('?') ? query[1..] : query;
        if (raw.Length == 0)
        {
            return string.Empty;
        }

        var pairs = raw.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(static p => p.Contains('=', StringComparison.Ordinal) ? p : p + "=")
            .Order(StringComparer.Ordinal);
        return string.Join('&', pairs);
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static void AddHeaders(SortedDictionary<string, string> headers, HttpHeaders source)
    {
        foreach (var header in source.NonValidated)
        {
            var name = header.Key.ToLowerInvariant();
            if (name is "authorization" or "user-agent" or "content-length" or "x-amzn-trace-id" or "transfer-encoding" or "expect")
            {
                continue;
            }

            var values = string.Join(',', header.Value.Select(CanonicalValue));
            headers[name] = headers.TryGetValue(name, out var existing) ? existing + "," + values : values;
        }
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}

/// <summary>What signing needs from a credential; <see cref="ToString"/> holds no key.</summary>
internal readonly record struct SigningCredentials(string AccessKey, string SecretKey, string? SessionToken)
{
    public override string ToString() => "AWS credentials";
}
