namespace K8sSecrets.Configuration.Docs.Tests;

/// <summary>
/// One fenced <c>csharp</c> block of a Markdown file. A block is a whole file (a program or types)
/// unless the line before its fence declares it a fragment: <c>&lt;!-- fragment: builder, app --&gt;</c>
/// names what is in scope (see <see cref="SnippetCompiler.Scope"/>).
/// </summary>
public sealed record DocSnippet(string File, int Line, string Code, IReadOnlyList<string> Scope)
{
    public bool IsFragment => Scope.Count > 0;

    public override string ToString() => $"{File}:{Line}";
}
