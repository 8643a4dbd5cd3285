namespace K8sSecrets.Configuration;

/// <summary>Marks one named instance of <typeparamref name="TOptions"/> as kept at its last valid value on reload.</summary>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed class KeepLastValidName<TOptions>(string name)
    where TOptions : class
{
    public string Name { get; } = name;
}
