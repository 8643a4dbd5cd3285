using System.Text;
using CsCheck;

namespace K8sSecrets.Configuration.Chaos.Tests.Properties;

/// <summary>
/// <see cref="SecretValueDecoder"/> and <see cref="SecretSnapshot.Add(string, ReadOnlySpan{byte})"/>: any bytes
/// decode without an exception and losslessly (text, or base64 of exactly the bytes), text round-trips
/// less one byte order mark and one trailing line feed, and an oversized value is a failure, not a crash.
/// </summary>
public sealed class ValueDecoderProperties
{
    /// <summary>Text of any Unicode scalar values (no lone surrogates: those have no UTF-8 form), rich in the characters the rules touch.</summary>
    private static readonly Gen<string> Text = Gen.Frequency(
        (3, Gen.Char["ab\r\n\uFEFF é€"].Array[0, 12].Select(c => new string(c))),
        (2, Gen.Int[0, 0x10FFFF].Where(c => c is < 0xD800 or > 0xDFFF).Array[0, 12].Select(cs => string.Concat(cs.Select(char.ConvertFromUtf32)))));

    [Fact]
    public void Any_bytes_decode_without_an_exception_and_losslessly()
        => Gen.Byte.Array[0, 64].Sample(
            bytes =>
            {
                var text = SecretValueDecoder.Decode(bytes, trimTrailingNewline: true, out var isBase64);
                if (isBase64)
                {
                    return Convert.FromBase64String(text).AsSpan().SequenceEqual(bytes);
                }

                // As text: the bytes are exactly a BOM (or none), the text, and a line feed (or none).
                var decoded = Encoding.UTF8.GetBytes(text);
                var rest = bytes.AsSpan();
                if (rest.StartsWith("\uFEFF"u8))
                {
                    rest = rest[3..];
                }

                return rest.SequenceEqual(decoded)
                    || (rest.StartsWith(decoded) && rest[decoded.Length..] is var tail && (tail.SequenceEqual("\n"u8) || tail.SequenceEqual("\r\n"u8)));
            },
            iter: 20_000);

    [Fact]
    public void Text_round_trips_less_one_byte_order_mark_and_one_trailing_line_feed()
        => Gen.Select(Text, Gen.Bool, Gen.OneOf(Gen.Const(""), Gen.Const("\n"), Gen.Const("\r\n"))).Sample(
            (text, trim, ending) =>
            {
                var decoded = SecretValueDecoder.Decode(Encoding.UTF8.GetBytes(text + ending), trim, out var isBase64);
                var expected = text + ending;
                expected = expected.StartsWith('\uFEFF') ? expected[1..] : expected;
                if (trim && expected.EndsWith('\n'))
                {
                    expected = expected[..^(expected.EndsWith("\r\n", StringComparison.Ordinal) ? 2 : 1)];
                }

                return !isBase64 && decoded == expected;
            },
            iter: 20_000);

    [Fact]
    public void Bytes_that_are_not_UTF8_are_published_as_their_base64_and_listed()
        => Gen.Select(Gen.Byte.Array[0, 16], Gen.Byte[0x80, 0xBF], Gen.Byte.Array[0, 16]).Sample(
            (before, lone, after) =>
            {
                // A continuation byte right after ASCII is never valid UTF-8.
                byte[] bytes = [.. before.Select(b => (byte)(b & 0x7F)), lone, .. after];
                var snapshot = new SecretSnapshot(new VolumeSecretOptions());
                snapshot.Add("key", bytes);
                return snapshot.Base64Names.SequenceEqual(["key"])
                    && Convert.FromBase64String(snapshot.Entries.Single().Value!).AsSpan().SequenceEqual(bytes);
            },
            iter: 5_000);

    [Fact]
    public void A_value_over_the_limit_is_a_failure_of_its_name_and_never_its_bytes()
    {
        var snapshot = new SecretSnapshot(new VolumeSecretOptions());
        var big = new byte[SecretSnapshot.MaxValueBytes + 1];
        big.AsSpan().Fill((byte)'s');

        snapshot.Add("big", big);
        snapshot.Add("fits", big.AsSpan(0, SecretSnapshot.MaxValueBytes));

        var failure = Assert.Single(snapshot.Failures);
        Assert.Equal("big", failure.Key);
        Assert.DoesNotContain("sss", failure.Value, StringComparison.Ordinal);
        Assert.Equal("fits", Assert.Single(snapshot.Entries).Key);
    }
}
