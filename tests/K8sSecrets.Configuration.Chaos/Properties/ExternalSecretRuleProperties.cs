using System.Text;
using CsCheck;
using K8sSecrets.Configuration.ExternalSecrets.Rules;

namespace K8sSecrets.Configuration.Chaos.Tests.Properties;

/// <summary>
/// The ESO rules in code: <c>conversionStrategy: Default</c> (<see cref="SecretKeys.Convert"/>) and
/// <c>decodingStrategy</c> (<see cref="ValueDecoder"/>): a converted key keeps one character per
/// character and only allowed ones, converting twice changes nothing, encoded bytes decode back, and bad
/// input is a <see cref="RuleException"/> that names the key and never holds the value.
/// </summary>
public sealed class ExternalSecretRuleProperties
{
    private const string Where = "key 'db'";

    private static readonly Gen<string> AnyText = Gen.Frequency(
        (3, Gen.Char["aZ09-._ /+=é½Ⅻ\n\t"].Array[0, 16].Select(c => new string(c))),
        (1, Gen.Int[0, 0x10FFFF].Where(c => c is < 0xD800 or > 0xDFFF).Array[0, 8].Select(cs => string.Concat(cs.Select(char.ConvertFromUtf32)))));

    [Fact]
    public void Default_conversion_keeps_one_allowed_character_per_character_and_is_idempotent()
        => AnyText.Sample(
            key =>
            {
                var converted = SecretKeys.Convert(key);
                var runes = converted.EnumerateRunes().ToList();
                return runes.Count == key.EnumerateRunes().Count()
                    && runes.All(r => Rune.IsLetter(r) || Rune.IsNumber(r) || r.Value is '-' or '.' or '_')
                    && SecretKeys.Convert(converted) == converted
                    && (!SecretKeys.IsValid(key) || converted == key);
            },
            iter: 20_000);

    [Fact]
    public void An_ASCII_key_after_default_conversion_is_a_valid_Secret_key()
        => Gen.Char[' ', '~'].Array[1, SecretKeys.MaxLength].Select(c => new string(c)).Sample(
            key => SecretKeys.IsValid(SecretKeys.Convert(key)),
            iter: 5_000);

    [Fact]
    public void Bytes_encoded_in_base64_decode_back_by_every_strategy_that_accepts_them()
        => Gen.Select(Gen.Byte.Array[0, 48], Gen.Bool).Sample(
            (bytes, wrap) =>
            {
                var standard = Convert.ToBase64String(bytes, wrap ? Base64FormattingOptions.InsertLineBreaks : Base64FormattingOptions.None);
                var url = Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
                return Same(ValueDecoder.Decode(standard, ValueDecoding.Base64, Where), bytes)
                    && Same(ValueDecoder.Decode(url, ValueDecoding.Base64Url, Where), bytes)
                    && Same(ValueDecoder.Decode(standard, ValueDecoding.Auto, Where), bytes)
                    && Same(ValueDecoder.Decode(url, ValueDecoding.Auto, Where), bytes);
            },
            iter: 10_000);

    [Fact]
    public void Any_text_decodes_or_is_a_rule_error_naming_the_key_and_not_the_value()
        => Gen.Select(AnyText, Gen.OneOf(ValueDecoding.None, ValueDecoding.Base64, ValueDecoding.Base64Url, ValueDecoding.Auto)).Sample(
            (text, decoding) =>
            {
                var value = "V4LUE" + text;
                try
                {
                    var decoded = ValueDecoder.Decode(value, decoding, Where);
                    return decoding is not ValueDecoding.None || decoded.Text == value;
                }
                catch (RuleException e)
                {
                    return decoding is ValueDecoding.Base64 or ValueDecoding.Base64Url
                        && e.Message.Contains(Where, StringComparison.Ordinal)
                        && !e.Message.Contains("V4LUE", StringComparison.Ordinal);
                }
            },
            iter: 20_000);

    [Fact]
    public void Auto_never_fails_and_keeps_text_that_is_not_base64_as_it_is()
        => AnyText.Where(t => t.Any(c => c is ' ' or '\t' or 'é')).Sample(
            text => ValueDecoder.Decode(text, ValueDecoding.Auto, Where).Text == text,
            iter: 5_000);

    private static bool Same(SecretValue value, byte[] bytes) => value.Bytes is { } decoded && decoded.AsSpan().SequenceEqual(bytes);
}
