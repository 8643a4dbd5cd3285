using System.Globalization;
using System.Text;

namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>
/// Number spellings of the two controllers: Go's <c>strconv.FormatFloat(f, 'f', -1, 64)</c> and
/// <c>encoding/json</c>'s float encoding (ESO), and JavaScript's <c>Number#toString</c> (the legacy controller).
/// All start from the shortest digits that read back as the same double.
/// </summary>
internal static class NumberText
{
    /// <summary><c>strconv.FormatFloat(f, 'f', -1, 64)</c>: shortest digits, never an exponent.</summary>
    public static string GoFixed(double value)
    {
        var (negative, digits, point) = Shortest(value);
        var builder = new StringBuilder();
        if (negative)
        {
            builder.Append('-');
        }

        if (digits == "0")
        {
            return builder.Append('0').ToString();
        }

        if (point <= 0)
        {
            builder.Append("0.").Append('0', -point).Append(digits);
        }
        else if (point >= digits.Length)
        {
            builder.Append(digits).Append('0', point - digits.Length);
        }
        else
        {
            builder.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
        }

        return builder.ToString();
    }

    /// <summary><c>encoding/json</c>'s float64: fixed, except an exponent below 1e-6 and from 1e21 (<c>1e+21</c>, <c>1e-7</c>).</summary>
    public static string GoJson(double value)
    {
        var abs = Math.Abs(value);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21))
        {
            var (negative, digits, point) = Shortest(value);
            var exponent = point - 1;
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var exponentText = exponent < 0
                ? "-" + (-exponent).ToString(CultureInfo.InvariantCulture)
                : "+" + exponent.ToString("00", CultureInfo.InvariantCulture);
            return (negative ? "-" : string.Empty) + mantissa + "e" + exponentText;
        }

        return GoFixed(value);
    }

    /// <summary>JavaScript's <c>Number#toString()</c>, as <c>JSON.stringify</c> and template strings spell numbers.</summary>
    public static string JavaScript(double value)
    {
        var (negative, digits, point) = Shortest(value);
        if (digits == "0")
        {
            return "0";
        }

        var sign = negative ? "-" : string.Empty;
        var k = digits.Length;
        if (k <= point && point <= 21)
        {
            return sign + digits + new string('0', point - k);
        }

        if (point > 0 && point <= 21)
        {
            return sign + digits[..point] + "." + digits[point..];
        }

        if (point > -6 && point <= 0)
        {
            return sign + "0." + new string('0', -point) + digits;
        }

        var exponent = point - 1;
        var mantissa = k == 1 ? digits : digits[0] + "." + digits[1..];
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Reads a JSON number token as a double, as Go and JavaScript do.</summary>
    public static double Parse(string token) => double.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>The shortest round-trip digits of <paramref name="value"/>: value = 0.<c>digits</c> × 10^<c>point</c>.</summary>
    private static (bool Negative, string Digits, int Point) Shortest(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text.StartsWith('-');
        if (negative)
        {
            text = text[1..];
        }

        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var integerLength = dot < 0 ? text.Length : dot;
        var digits = dot < 0 ? text : text.Remove(dot, 1);
        var point = integerLength + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..];
        point -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return (negative, "0", 1);
        }

        return (negative, digits, point);
    }
}
