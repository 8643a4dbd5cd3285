using System.Text;
using CsCheck;
using K8sSecrets.Configuration.Azure;

namespace K8sSecrets.Configuration.Chaos.Tests.Properties;

/// <summary>
/// Secret names to configuration keys (<see cref="SnapshotMapper.ToKey"/>, <see cref="SnapshotMapper.ToData"/>,
/// Key Vault's <see cref="KeyVaultNames"/>): <c>/</c> and each delimiter become <c>:</c> exactly as a
/// plain left-to-right reference does, the section is prepended, <c>MapKey</c> may drop a name, and names
/// that meet in one key ignoring case give one key whose value is the ordinal-last name's.
/// </summary>
public sealed class KeyMappingProperties
{
    /// <summary>The delimiter sets the library's sources use: the default, Key Vault's, Google's.</summary>
    private static readonly Gen<string[]> Delimiters = Gen.OneOf(Gen.Const<string[]>(["__"]), Gen.Const<string[]>(["--"]), Gen.Const<string[]>(["--", "__"]), Gen.Const<string[]>([]));

    private static readonly Gen<string> Name = Gen.Char["aB_-/:.é"].Array[1, 12].Select(c => new string(c));

    private static readonly Gen<string?> Section = Gen.OneOf(Gen.Const((string?)null), Gen.Const<string?>(""), Gen.Const<string?>("Db"), Gen.Const<string?>("Db:Main"));

    [Fact]
    public void A_name_maps_to_the_key_a_left_to_right_reference_gives()
        => Gen.Select(Name, Delimiters, Section).Sample(
            (name, delimiters, section) =>
            {
                var key = SnapshotMapper.ToKey(new VolumeSecretOptions { KeyDelimiters = delimiters, Section = section }, name);
                var expected = ReferenceKey(name, delimiters);
                return key == (string.IsNullOrEmpty(section) ? expected : section + ":" + expected);
            },
            iter: 20_000);

    [Fact]
    public void No_separator_is_left_in_a_key()
        => Gen.Select(Name, Delimiters).Sample(
            (name, delimiters) =>
            {
                var key = SnapshotMapper.ToKey(new VolumeSecretOptions { KeyDelimiters = delimiters }, name)!;
                return !key.Contains('/', StringComparison.Ordinal) && delimiters.All(d => !key.Contains(d, StringComparison.Ordinal));
            },
            iter: 20_000);

    [Fact]
    public void MapKey_renames_after_the_separators_and_an_empty_answer_leaves_the_name_out()
        => Gen.Select(Name, Section, Gen.OneOf(Gen.Const((string?)null), Gen.Const<string?>(""), Gen.Const<string?>("renamed"))).Sample(
            (name, section, answer) =>
            {
                string? seen = null;
                var options = new VolumeSecretOptions
                {
                    Section = section,
                    MapKey = k =>
                    {
                        seen = k;
                        return answer is "renamed" ? "R:" + k : answer;
                    },
                };
                var key = SnapshotMapper.ToKey(options, name);
                var mapped = ReferenceKey(name, ["__"]);
                return seen == mapped && (answer is null or "" ? key is null : key == (string.IsNullOrEmpty(section) ? "R:" + mapped : section + ":R:" + mapped));
            },
            iter: 5_000);

    /// <summary>
    /// A configuration key of plain segments, written as a store names it (Key Vault's <c>--</c>, a
    /// file's <c>__</c>, a path's <c>/</c>), comes back as the key.
    /// </summary>
    [Fact]
    public void A_key_written_with_any_store_separator_maps_back_to_itself()
        => Gen.Select(Gen.Char["abcXYZ019"].Array[1, 6].Select(c => new string(c)).Array[1, 4], Gen.OneOf(Gen.Const("--"), Gen.Const("__"), Gen.Const("/"))).Sample(
            (segments, separator) =>
            {
                var name = string.Join(separator, segments);
                var options = separator == "--" ? (SecretSourceOptions)new Azure.AzureKeyVaultOptions() : new VolumeSecretOptions();
                var snapshotName = separator == "--" ? KeyVaultNames.ToSnapshotName(name, prefix: null, key: null) : name;
                return SnapshotMapper.ToKey(options, snapshotName!) == string.Join(':', segments);
            },
            iter: 5_000);

    [Fact]
    public void A_Key_Vault_name_never_gives_a_key_that_starts_or_ends_with_a_separator()
        => Gen.Select(Gen.Char["a-B1"].Array[1, 12].Select(c => new string(c)), Gen.OneOf(Gen.Const((string?)null), Gen.Const<string?>("a"), Gen.Const<string?>("A--"))).Sample(
            (name, prefix) =>
            {
                var snapshotName = KeyVaultNames.ToSnapshotName(name, prefix, key: null);
                return snapshotName is null
                    || (snapshotName.Length > 0 && !snapshotName.StartsWith("--", StringComparison.Ordinal) && !snapshotName.EndsWith("--", StringComparison.Ordinal));
            },
            iter: 10_000);

    [Fact]
    public void Names_that_meet_in_one_key_ignoring_case_give_one_key_holding_the_ordinal_last_names_value()
        => Gen.Select(Gen.Char["aA_/"].Array[1, 4].Select(c => new string(c)), Gen.Int[0, 9]).Array[0, 8].Sample(
            entries =>
            {
                var snapshot = new SecretSnapshot(new VolumeSecretOptions());
                foreach (var (name, value) in entries)
                {
                    snapshot.Add(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                var options = new VolumeSecretOptions();
                var data = SnapshotMapper.ToData(snapshot, options, new Dictionary<string, string?>(), out var collisions);

                // The reference: map every name, then the ordinal-last name (the later one among equal names) wins its key.
                var expected = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var entry in snapshot.Entries.Select((e, i) => (e.Key, e.Value, i)).OrderBy(e => e.Key, StringComparer.Ordinal).ThenBy(e => e.i))
                {
                    expected[ReferenceKey(entry.Key, ["__"])] = entry.Value;
                }

                var meets = expected.Count < snapshot.Entries.Count;
                return SnapshotMapper.SameData(data, expected) && (collisions is not null) == meets
                    && (collisions ?? []).All(expected.ContainsKey);
            },
            iter: 20_000);

    /// <summary>The rule written plainly: scan left to right, and at each place a <c>/</c> or the first delimiter that starts there becomes <c>:</c>.</summary>
    private static string ReferenceKey(string name, IReadOnlyList<string> delimiters)
    {
        var key = new StringBuilder();
        for (var i = 0; i < name.Length;)
        {
            if (name[i] == '/')
            {
                key.Append(':');
                i++;
                continue;
            }

            var delimiter = delimiters.FirstOrDefault(d => d.Length > 0 && string.CompareOrdinal(name, i, d, 0, d.Length) == 0);
            if (delimiter is not null)
            {
                key.Append(':');
                i += delimiter.Length;
                continue;
            }

            key.Append(name[i]);
            i++;
        }

        return key.ToString();
    }
}
