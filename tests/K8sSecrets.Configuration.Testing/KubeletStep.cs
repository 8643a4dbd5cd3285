namespace K8sSecrets.Configuration.Testing;

/// <summary>The steps of the kubelet's AtomicWriter (protocols.md §A.1) a test can pause before.</summary>
public enum KubeletStep
{
    WriteGeneration,
    LinkDataTmp,
    SwapData,
    CreateVisibleLinks,
    RemoveStaleLinks,
    RemoveOldGeneration,
}
