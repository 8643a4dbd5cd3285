using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace K8sSecrets.Configuration.ExternalSecrets.Manifests;

/// <summary>
/// YamlDotNet's parser, refusing a mapping or sequence nested deeper than a limit as the event
/// arrives, so that the (recursive) node loader never descends further than that.
/// </summary>
internal sealed class DepthLimitedParser : IParser
{
    private readonly IParser _inner;
    private readonly int _maxDepth;
    private readonly string _file;
    private int _depth;

    public DepthLimitedParser(IParser inner, int maxDepth, string file)
    {
        _inner = inner;
        _maxDepth = maxDepth;
        _file = file;
    }

    public ParsingEvent? Current => _inner.Current;

    public bool MoveNext()
    {
        if (!_inner.MoveNext())
        {
            return false;
        }

        switch (_inner.Current)
        {
            case MappingStart or SequenceStart:
                if (++_depth > _maxDepth)
                {
                    throw ManifestErrors.File(_file, $"nesting deeper than {_maxDepth} levels at line {_inner.Current.Start.Line}, column {_inner.Current.Start.Column}.");
                }

                break;
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
        }

        return true;
    }
}
