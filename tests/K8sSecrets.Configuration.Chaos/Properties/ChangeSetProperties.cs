using CsCheck;

namespace K8sSecrets.Configuration.Chaos.Tests.Properties;

/// <summary>
/// The change set between two published data sets (<see cref="SnapshotMapper.Diff"/> and
/// <see cref="SnapshotMapper.SameData"/>): applying it to the old set gives the new one, it is empty
/// exactly when the sets are equal, keys compare ignoring case and values compare ordinally.
/// </summary>
public sealed class ChangeSetProperties
{
    /// <summary>Few keys, in mixed case, so that sets overlap and keys differ only by case; values that differ only by case or null.</summary>
    private static readonly Gen<Dictionary<string, string?>> Data = Gen.Select(
            Gen.OneOf(Gen.Const("a"), Gen.Const("A"), Gen.Const("b"), Gen.Const("db:pw"), Gen.Const("DB:Pw"), Gen.Const("c:0")),
            Gen.OneOf(Gen.Const((string?)null), Gen.Const<string?>(""), Gen.Const<string?>("x"), Gen.Const<string?>("X"), Gen.Const<string?>("y")))
        .Array[0, 8]
        .Select(pairs =>
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in pairs)
            {
                data[key] = value;
            }

            return data;
        });

    [Fact]
    public void Applying_the_change_set_to_the_old_data_gives_the_new_data()
        => Gen.Select(Data, Data).Sample(
            (before, after) =>
            {
                var change = SnapshotMapper.Diff(before, after, version: null);
                var applied = new Dictionary<string, string?>(before, StringComparer.OrdinalIgnoreCase);
                foreach (var key in change.Removed)
                {
                    applied.Remove(key);
                }

                foreach (var key in change.Added.Concat(change.Changed))
                {
                    applied[key] = after[key];
                }

                return SnapshotMapper.SameData(applied, after);
            },
            iter: 20_000);

    [Fact]
    public void The_change_set_is_empty_exactly_when_the_data_is_the_same()
        => Gen.Select(Data, Data).Sample(
            (before, after) =>
            {
                var change = SnapshotMapper.Diff(before, after, version: null);
                var empty = change.Added.Count == 0 && change.Changed.Count == 0 && change.Removed.Count == 0;
                return empty == SnapshotMapper.SameData(before, after) && empty == SnapshotMapper.SameData(after, before);
            },
            iter: 20_000);

    [Fact]
    public void Keys_compare_ignoring_case_and_values_ordinally()
        => Gen.Select(Data, Data).Sample(
            (before, after) =>
            {
                var change = SnapshotMapper.Diff(before, after, version: null);
                var all = change.Added.Concat(change.Changed).Concat(change.Removed).ToList();
                return all.Count == all.Distinct(StringComparer.OrdinalIgnoreCase).Count()
                    && change.Added.All(k => !before.ContainsKey(k) && after.ContainsKey(k))
                    && change.Removed.All(k => before.ContainsKey(k) && !after.ContainsKey(k))
                    && change.Changed.All(k => !string.Equals(before[k], after[k], StringComparison.Ordinal))
                    && before.Keys.Where(after.ContainsKey).All(k => string.Equals(before[k], after[k], StringComparison.Ordinal) || change.Changed.Contains(k, StringComparer.OrdinalIgnoreCase));
            },
            iter: 20_000);

    [Fact]
    public void The_diff_of_data_with_itself_in_another_case_is_empty()
        => Data.Sample(
            data =>
            {
                var upper = data.ToDictionary(p => p.Key.ToUpperInvariant(), p => p.Value, StringComparer.OrdinalIgnoreCase);
                var change = SnapshotMapper.Diff(data, upper, version: null);
                return change.Added.Count == 0 && change.Changed.Count == 0 && change.Removed.Count == 0;
            },
            iter: 5_000);
}
