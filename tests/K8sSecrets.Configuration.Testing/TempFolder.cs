namespace K8sSecrets.Configuration.Testing;

/// <summary>A plain temp folder (no kubelet layout), deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Root = Directory.CreateTempSubdirectory("k8ssecrets-plain-").FullName;

    public string Root { get; }

    public string Write(string relativePath, string content)
    {
        var path = Path.Join(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
