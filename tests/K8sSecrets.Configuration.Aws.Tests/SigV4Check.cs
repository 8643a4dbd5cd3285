using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace K8sSecrets.Configuration.Aws.Tests;

/// <summary>
/// The test side's own SigV4 computation, written from the algorithm's description and kept apart
/// from the package's signer, so that the fake can verify what the package sends.
/// </summary>
public static class SigV4Check
{
    public static string Sign(string secretKey, string amzDate, string region, string service, string canonicalRequest)
    {
        var day = amzDate[..8];
        var scope = $"{day}/{region}/{service}/aws4_request";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)));
        var toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hash;
        byte[] key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { day, region, service, "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(toSign)));
    }

    /// <summary>Builds the canonical request from what arrived: the headers named in SignedHeaders, their values trimmed and space-compressed.</summary>
    public static string Canonical(string method, string path, string query, Func<string, string?> header, IReadOnlyList<string> signedHeaders, byte[] body)
    {
        var builder = new StringBuilder();
        builder.Append(method).Append('\n').Append(path).Append('\n').Append(query.TrimStart('?')).Append('\n');
        foreach (var name in signedHeaders)
        {
            var value = header(name) ?? string.Empty;
            value = string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n');
        builder.Append(Convert.ToHexStringLower(SHA256.HashData(body)));
        return builder.ToString();
    }

    public static DateTimeOffset ParseAmzDate(string value)
        => DateTimeOffset.ParseExact(value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
