namespace K8sSecrets.Configuration.Testing;

/// <summary>The database that <see cref="FakeVault"/>'s database engine manages roles on (creation and revocation statements).</summary>
public interface IVaultDatabase
{
    /// <summary>Creates a login role, as the engine's creation statements (<c>CREATE ROLE … LOGIN PASSWORD … VALID UNTIL</c>).</summary>
    void CreateRole(string username, string password, TimeSpan validFor);

    /// <summary>Ends the role's sessions and drops it, as the engine's revocation statements.</summary>
    void DropRole(string username);
}
