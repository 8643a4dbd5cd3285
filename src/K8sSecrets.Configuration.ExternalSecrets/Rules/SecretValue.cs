using System.Text;

namespace K8sSecrets.Configuration.ExternalSecrets.Rules;

/// <summary>A value of the Secret the controller would write: text, or bytes after a decoding strategy.</summary>
internal readonly record struct SecretValue(string? Text, byte[]? Bytes)
{
    public static SecretValue FromText(string text) => new(text, null);

    public string AsText() => Text ?? Encoding.UTF8.GetString(Bytes!);

    public bool HasNullByte => Text is { } text ? text.Contains('\0', StringComparison.Ordinal) : Array.IndexOf(Bytes!, (byte)0) >= 0;

    /// <summary>Keeps the value out of any generated text.</summary>
    public override string ToString() => Text is null ? $"({Bytes!.Length} bytes)" : $"({Text.Length} characters)";
}
