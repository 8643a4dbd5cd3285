namespace K8sSecrets.Configuration.Chaos.Tests.Chaos;

/// <summary>A real file watcher whose failure (an inotify queue overflow) the volume target can raise.</summary>
internal sealed class ChaosWatcher(string path) : FileSystemWatcher(path)
{
    public void Fail() => OnError(new ErrorEventArgs(new InternalBufferOverflowException("chaos: too many changes at once in directory")));
}
