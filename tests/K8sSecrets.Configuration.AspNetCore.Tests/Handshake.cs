namespace K8sSecrets.Configuration.AspNetCore.Tests;

/// <summary>One TLS handshake the server completed: when our selection ran, and the certificates used.</summary>
public sealed record Handshake(long SelectedAt, long DoneAt, string ServerThumbprint, string? ClientThumbprint);
