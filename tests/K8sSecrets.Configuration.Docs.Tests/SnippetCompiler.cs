using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace K8sSecrets.Configuration.Docs.Tests;

/// <summary>
/// Compiles a <see cref="DocSnippet"/> as a <c>dotnet new web</c> app would, against every assembly
/// this test runs with (the shared frameworks and the packages).
/// </summary>
public static class SnippetCompiler
{
    /// <summary>The web SDK's implicit usings: what a new app has without writing a using.</summary>
    public static readonly string[] ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json",
        "System.Threading", "System.Threading.Tasks", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    /// <summary>
    /// What a fragment may declare in scope, by name: the app's usual variables. A fragment also sees
    /// the option classes an app would have written (<c>DbOptions</c>, <c>DatabaseOptions</c>, <c>JwtOptions</c>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Scope = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["args"] = "string[] args",
        ["builder"] = "WebApplicationBuilder builder",
        ["app"] = "WebApplication app",
        ["secrets"] = "K8sSecrets.Configuration.KubernetesSecretsBuilder secrets",
        ["services"] = "IServiceCollection services",
        ["mySecretClient"] = "Azure.Security.KeyVault.Secrets.SecretClient mySecretClient",
    };

    private const string AppTypes = """

        public sealed class DbOptions { public string? Username { get; set; } public string? Password { get; set; } }
        public sealed class DatabaseOptions { public string? Host { get; set; } public string? Username { get; set; } public string? Password { get; set; } }
        public sealed class JwtOptions { public string? Key { get; set; } }
        """;

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray());

    /// <summary>Compiles the snippet; returns its errors, each with its line in the Markdown file.</summary>
    public static IReadOnlyList<string> Errors(DocSnippet snippet)
    {
        var source = Wrap(snippet, out var firstLine);
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview), path: snippet.File);
        var program = tree.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [tree],
            s_references.Value,
            new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{snippet.File}:{snippet.Line + d.Location.GetLineSpan().StartLinePosition.Line - firstLine + 1}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .ToList();
    }

    private static string Wrap(DocSnippet snippet, out int firstLine)
    {
        var usings = string.Concat(ImplicitUsings.Select(u => $"global using {u};\n"));
        if (!snippet.IsFragment)
        {
            firstLine = ImplicitUsings.Length;
            return usings + snippet.Code;
        }

        // A fragment's own using lines stay at the top of the file; the rest is the body of a method
        // whose parameters are the names the fragment declared in scope.
        var lines = snippet.Code.Split('\n');
        var ownUsings = lines.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) || l.Length == 0).ToArray();
        var parameters = string.Join(", ", snippet.Scope.Select(name => Scope.TryGetValue(name, out var declaration)
            ? declaration
            : throw new InvalidOperationException($"{snippet}: the fragment marker names '{name}'; known names: {string.Join(", ", Scope.Keys)}.")));
        var header = usings + string.Join('\n', ownUsings) + $"\npublic static class Fragment\n{{\n    public static async System.Threading.Tasks.Task Run({parameters})\n    {{\n        await System.Threading.Tasks.Task.CompletedTask;\n";
        firstLine = header.Count(c => c == '\n') - ownUsings.Length;
        return header + string.Join('\n', lines[ownUsings.Length..]) + "\n    }\n}\n" + AppTypes;
    }
}
