using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace K8sSecrets.Configuration.Chaos.Tests.Properties;

/// <summary>
/// <see cref="SecretJson.Flatten(JsonElement, string?, ICollection{string})"/> against a reference
/// flatten of the generator's own tree, written plainly: same names, values and order, empty field
/// names skipped and reported; and a document past the parser's depth budget is a
/// <see cref="JsonException"/> the sources turn into a clear error, never a crash.
/// </summary>
public sealed class JsonFlattenProperties
{
    /// <summary>Field names rich in what the rule touches: empty, a separator, case, duplicates, non-ASCII.</summary>
    private static readonly Gen<string> FieldName = Gen.Frequency(
        (1, Gen.Const(string.Empty)),
        (6, Gen.Char["aB_/:é \"\\"].Array[1, 5].Select(c => new string(c))));

    private static readonly Gen<Node> Leaf = Gen.Frequency(
        (3, Gen.String[Gen.Char["xY é\n\"\\/\u0001"], 0, 6].Select(s => (Node)new Node.Text(s))),
        (2, Gen.Long.Select(n => (Node)new Node.Number(n.ToString(CultureInfo.InvariantCulture)))),
        (1, Gen.Double[-1e6, 1e6].Select(d => (Node)new Node.Number(d.ToString("R", CultureInfo.InvariantCulture)))),
        (1, Gen.OneOf(Gen.Const("true"), Gen.Const("false")).Select(b => (Node)new Node.Number(b))),
        (1, Gen.Const<Node>(new Node.Null())));

    private static readonly Gen<Node> Tree = Gen.Recursive<Node>((depth, tree) => depth >= 5
        ? Leaf
        : Gen.Frequency(
            (3, Leaf),
            (2, Gen.Select(FieldName, tree).Array[0, 4].Select(fields => (Node)new Node.Object(fields))),
            (1, tree.Array[0, 4].Select(items => (Node)new Node.Array(items)))));

    private static readonly Gen<Node.Object> Document = Gen.Select(FieldName, Tree).Array[0, 6].Select(fields => new Node.Object(fields));

    private static readonly Gen<string?> Prefix = Gen.OneOf(Gen.Const((string?)null), Gen.Const<string?>(string.Empty), Gen.Const<string?>("db"), Gen.Const<string?>("db/main"));

    [Fact]
    public void Flatten_equals_a_reference_flatten_of_the_same_document()
        => Gen.Select(Document, Prefix).Sample(
            (document, prefix) =>
            {
                using var parsed = JsonDocument.Parse(document.ToJson());
                var skipped = new List<string>();
                var actual = SecretJson.Flatten(parsed.RootElement, prefix, skipped);

                var expectedSkipped = new List<string>();
                var expected = new List<KeyValuePair<string, string?>>();
                Reference(document, prefix ?? string.Empty, expected, expectedSkipped);
                return actual.SequenceEqual(expected) && skipped.SequenceEqual(expectedSkipped);
            },
            iter: 5_000,
            print: t => t.Item1.ToJson() + " under " + (t.Item2 ?? "null"));

    [Fact]
    public void Anything_but_an_object_flattens_to_nothing()
        => Tree.Where(t => t is not Node.Object).Sample(
            tree =>
            {
                using var parsed = JsonDocument.Parse(tree.ToJson());
                return SecretJson.Flatten(parsed.RootElement, "p").Count == 0;
            },
            iter: 2_000);

    [Fact]
    public void A_document_within_the_parsers_depth_flattens_and_one_past_it_is_a_JsonException_not_a_crash()
        => Gen.Int[1, 200].Sample(
            depth =>
            {
                var json = new StringBuilder();
                for (var i = 0; i < depth; i++)
                {
                    json.Append("{\"a\":");
                }

                json.Append("1").Append('}', depth);
                try
                {
                    using var parsed = JsonDocument.Parse(json.ToString());
                    var entry = Assert.Single(SecretJson.Flatten(parsed.RootElement, null));
                    return depth <= 64
                        && entry.Key == string.Join('/', Enumerable.Repeat("a", depth)) && entry.Value == "1";
                }
                catch (JsonException e)
                {
                    // The parser's budget (64 levels): its message names the depth, not the content.
                    return depth > 64 && e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase);
                }
            },
            iter: 300);

    /// <summary>
    /// A store's response may be megabytes: a document of more values than the budget (10,000) is a
    /// <see cref="SecretSourceException"/> that says what to do and holds no value, at any shape, and
    /// one of exactly the budget still flattens.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("5WqHdracxbR1")] // 10,001 values flattened to 10,001 keys: there was no budget
    public void A_document_past_the_entry_budget_is_a_clear_error_and_one_within_it_flattens(string? seed)
        => Gen.Select(Gen.Int[-2, 2], Gen.Int[0, 2], Prefix).Sample(
            (offset, shape, prefix) =>
            {
                const int Budget = 10_000;
                var count = Budget + offset;
                var leaves = Enumerable.Range(0, count).Select(i => "\"V4LUE" + i.ToString(CultureInfo.InvariantCulture) + "\"");
                var json = shape switch
                {
                    0 => "{\"list\":[" + string.Join(",", leaves) + "]}",
                    1 => "{" + string.Join(",", leaves.Select((v, i) => "\"k" + i.ToString(CultureInfo.InvariantCulture) + "\":" + v)) + "}",
                    _ => "{\"a\":{\"b\":[" + string.Join(",", leaves.Select(v => "[" + v + "]")) + "]}}",
                };
                using var parsed = JsonDocument.Parse(json);
                try
                {
                    return SecretJson.Flatten(parsed.RootElement, prefix).Count == count && count <= Budget;
                }
                catch (SecretSourceException e)
                {
                    return count > Budget && !e.IsTransient
                        && e.Message.Contains("10000", StringComparison.Ordinal)
                        && !e.Message.Contains("V4LUE", StringComparison.Ordinal);
                }
            },
            seed: seed,
            iter: 30);

    private static void Reference(Node node, string name, List<KeyValuePair<string, string?>> entries, List<string> skipped)
    {
        switch (node)
        {
            case Node.Object o:
                foreach (var (field, value) in o.Fields)
                {
                    if (field.Length == 0)
                    {
                        skipped.Add(name);
                    }
                    else
                    {
                        Reference(value, name.Length == 0 ? field : name + "/" + field, entries, skipped);
                    }
                }

                break;
            case Node.Array a:
                for (var i = 0; i < a.Items.Length; i++)
                {
                    Reference(a.Items[i], name.Length == 0 ? i.ToString(CultureInfo.InvariantCulture) : name + "/" + i.ToString(CultureInfo.InvariantCulture), entries, skipped);
                }

                break;
            case Node.Text t:
                entries.Add(new(name, t.Value));
                break;
            case Node.Number n:
                entries.Add(new(name, n.Raw));
                break;
            default:
                entries.Add(new(name, null));
                break;
        }
    }

    /// <summary>A JSON value as the generator builds it, written out by hand (duplicate field names kept, in order).</summary>
    public abstract record Node
    {
        public abstract string ToJson();

        public sealed record Object((string Name, Node Value)[] Fields) : Node
        {
            public override string ToJson() => "{" + string.Join(",", Fields.Select(f => JsonValue.Create(f.Name).ToJsonString() + ":" + f.Value.ToJson())) + "}";
        }

        public sealed record Array(Node[] Items) : Node
        {
            public override string ToJson() => "[" + string.Join(",", Items.Select(i => i.ToJson())) + "]";
        }

        public sealed record Text(string Value) : Node
        {
            public override string ToJson() => JsonValue.Create(Value).ToJsonString();
        }

        /// <summary>A number or boolean, kept as its JSON spelling.</summary>
        public sealed record Number(string Raw) : Node
        {
            public override string ToJson() => Raw;
        }

        public sealed record Null : Node
        {
            public override string ToJson() => "null";
        }
    }
}
