using System.Globalization;

namespace K8sSecrets.Configuration.Google.Http;

/// <summary>Parses ProtoJSON timestamps: RFC 3339 with up to nine fractional digits (.NET keeps seven).</summary>
internal static class ProtoTime
{
    public static DateTimeOffset? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 40)
        {
            return null;
        }

        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < value.Length && char.IsAsciiDigit(value[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                value = string.Concat(value.AsSpan(0, dot + 8), value.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
    }
}
