namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>
/// Go's <c>time.ParseDuration</c>, which the controller applies to <c>refreshInterval</c>: a sign,
/// then one or more numbers (with an optional fraction) each followed by a unit (<c>ns</c>,
/// <c>us</c>/<c>µs</c>/<c>μs</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>), or <c>0</c>; exact to
/// the nanosecond, refusing what does not fit a signed 64-bit count of nanoseconds.
/// </summary>
internal static class GoDuration
{
    private const ulong Limit = 1UL << 63;

    /// <summary>Parses <paramref name="text"/> as Go does, to a (whole-tick) <see cref="TimeSpan"/>.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        var parsed = TryParseNanoseconds(text, out var nanoseconds);
        duration = parsed ? TimeSpan.FromTicks(nanoseconds / 100) : TimeSpan.Zero;
        return parsed;
    }

    /// <summary>Parses <paramref name="text"/> as Go does, to nanoseconds.</summary>
    public static bool TryParseNanoseconds(string text, out long nanoseconds)
    {
        nanoseconds = 0;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        ulong total = 0;
        while (!s.IsEmpty)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
            {
                return false;
            }

            var length = s.Length;
            if (!TryWhole(ref s, out var whole))
            {
                return false;
            }

            var digitsBefore = s.Length != length;
            ulong fraction = 0;
            double scale = 1;
            var digitsAfter = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                length = s.Length;
                Fraction(ref s, out fraction, out scale);
                digitsAfter = s.Length != length;
            }

            if (!digitsBefore && !digitsAfter)
            {
                return false;
            }

            var end = 0;
            while (end < s.Length && s[end] != '.' && !char.IsAsciiDigit(s[end]))
            {
                end++;
            }

            if (end == 0 || Unit(s[..end]) is not { } unit)
            {
                return false;
            }

            s = s[end..];
            if (whole > Limit / unit)
            {
                return false;
            }

            var value = whole * unit;
            if (fraction > 0)
            {
                // A double keeps a fraction of an hour exact to the nanosecond, as Go computes it.
                value += (ulong)(fraction * (unit / scale));
                if (value > Limit)
                {
                    return false;
                }
            }

            total += value;
            if (total > Limit)
            {
                return false;
            }
        }

        if (negative)
        {
            nanoseconds = total == Limit ? long.MinValue : -(long)total;
            return true;
        }

        if (total > long.MaxValue)
        {
            return false;
        }

        nanoseconds = (long)total;
        return true;
    }

    /// <summary>The leading digits; false when they pass 2^63.</summary>
    private static bool TryWhole(ref ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (value > Limit / 10)
            {
                return false;
            }

            value = (value * 10) + (ulong)(s[i] - '0');
            if (value > Limit)
            {
                return false;
            }
        }

        s = s[i..];
        return true;
    }

    /// <summary>The digits after a period, as a whole number and its power of ten; digits past 2^63 are skipped, not refused.</summary>
    private static void Fraction(ref ReadOnlySpan<char> s, out ulong value, out double scale)
    {
        value = 0;
        scale = 1;
        var full = false;
        var i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (full)
            {
                continue;
            }

            if (value > (Limit - 1) / 10)
            {
                full = true;
                continue;
            }

            var next = (value * 10) + (ulong)(s[i] - '0');
            if (next > Limit)
            {
                full = true;
                continue;
            }

            value = next;
            scale *= 10;
        }

        s = s[i..];
    }

    private static ulong? Unit(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1,
        "us" or "µs" or "μs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => null,
    };
}
