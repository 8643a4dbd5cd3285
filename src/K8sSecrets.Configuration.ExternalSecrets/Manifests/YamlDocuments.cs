using System.Buffers;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace K8sSecrets.Configuration.ExternalSecrets.Manifests;

/// <summary>
/// Reads a multi-document YAML file into JSON documents: mappings become objects, sequences
/// arrays, <c>null</c>/<c>~</c>/empty plain scalars <c>null</c>, and every other scalar a string with
/// its YAML text, so that readers decide what a field means (<c>2</c> and <c>"2"</c> read the same).
/// </summary>
internal static class YamlDocuments
{
    private const int MaxDepth = 64;
    private const long MaxFileBytes = 4 * 1024 * 1024;
    private const int MaxAliasNodes = 100_000;
    private const long MaxAliasChars = MaxFileBytes;

    public static List<ManifestDocument> Load(string file)
    {
        string text;
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                throw ManifestErrors.File($"'{file}'", $"the file does not exist (looked at '{info.FullName}').");
            }

            if (info.Length > MaxFileBytes)
            {
                throw ManifestErrors.File($"'{file}'", $"the file is {info.Length} bytes, over the 4 MiB a manifest may have.");
            }

            text = System.IO.File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ManifestErrors.File($"'{file}'", $"the file cannot be read ({ex.GetType().Name}).");
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new DepthLimitedParser(new Parser(new StringReader(text)), MaxDepth, $"'{file}'"));
        }
        catch (YamlException ex)
        {
            throw ManifestErrors.File($"'{file}'", $"invalid YAML at line {ex.Start.Line}, column {ex.Start.Column}.");
        }

        var documents = new List<ManifestDocument>();
        var expansion = new Expansion();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode;
            if (root is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                expansion.Where = $"'{file}' (document {i + 1})";
                Write(writer, root, 0, expansion);
            }

            using var json = JsonDocument.Parse(buffer.WrittenMemory);
            documents.Add(new ManifestDocument(file, i, json.RootElement.Clone()));
        }

        return documents;
    }

    /// <summary>Writes a node as JSON. An alias is the node it names, written again: what that adds is budgeted.</summary>
    private static void Write(Utf8JsonWriter writer, YamlNode node, int depth, Expansion expansion)
    {
        if (node is not YamlScalarNode && depth >= MaxDepth)
        {
            throw ManifestErrors.File(expansion.Where, $"nesting deeper than {MaxDepth} levels through an alias (or a recursive alias) at line {node.Start.Line}.");
        }

        if (!expansion.Active && !node.Anchor.IsEmpty && !expansion.Anchored.Add(node))
        {
            // An anchored node met again is an alias: all it holds is written again.
            expansion.Active = true;
            Write(writer, node, depth, expansion);
            expansion.Active = false;
            return;
        }

        if (expansion.Active)
        {
            expansion.Count(node is YamlScalarNode { Value: { } text } ? text.Length : 0, node);
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        throw ManifestErrors.File(expansion.Where, $"a mapping key at line {key.Start.Line} is not a plain name.");
                    }

                    if (expansion.Active || (!key.Anchor.IsEmpty && !expansion.Anchored.Add(key)))
                    {
                        // A key written again through an alias costs as much as a value.
                        expansion.Count(name.Length, key);
                    }

                    writer.WritePropertyName(name);
                    Write(writer, value, depth + 1, expansion);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item, depth + 1, expansion);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                if (scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL")
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(scalar.Value ?? string.Empty);
                }

                break;
            default:
                throw ManifestErrors.File(expansion.Where, $"unsupported YAML node at line {node.Start.Line}.");
        }
    }

    /// <summary>The alias budget of one file (all its documents): the nodes and scalar characters aliases write again.</summary>
    private sealed class Expansion
    {
        private int _nodes;
        private long _chars;

        /// <summary>Gets or sets the file and document being written, for messages.</summary>
        public string Where { get; set; } = string.Empty;

        /// <summary>Gets the anchored nodes written so far: meeting one again means an alias.</summary>
        public HashSet<YamlNode> Anchored { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>Gets or sets a value indicating whether an alias is being written out.</summary>
        public bool Active { get; set; }

        public void Count(int chars, YamlNode node)
        {
            _chars += chars;
            if (++_nodes > MaxAliasNodes || _chars > MaxAliasChars)
            {
                throw ManifestErrors.File(
                    Where,
                    $"aliases repeat more than {MaxAliasNodes} nodes or {MaxAliasChars} characters (the anchor at line {node.Start.Line} and those it holds); write the repeated blocks out or use fewer aliases.");
            }
        }
    }
}
