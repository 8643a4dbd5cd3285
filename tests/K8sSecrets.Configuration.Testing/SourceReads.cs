using System.Diagnostics.Metrics;

namespace K8sSecrets.Configuration.Testing;

/// <summary>
/// Counts the reads the refresh engine makes of one source (its <c>k8ssecrets.refreshes</c>
/// measurements, whatever their result), through the library's public meter.
/// </summary>
public sealed class SourceReads : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _sourceName;
    private int _count;

    public SourceReads(string sourceName)
    {
        _sourceName = sourceName;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "K8sSecrets.Configuration" && instrument.Name == "k8ssecrets.refreshes")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "source.name" && Equals(tag.Value, _sourceName))
                {
                    Interlocked.Increment(ref _count);
                }
            }
        });
        _listener.Start();
    }

    public int Count => Volatile.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
