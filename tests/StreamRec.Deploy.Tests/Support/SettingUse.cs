namespace StreamRec.Deploy.Tests.Support;

/// <summary>One environment variable a deployment file gives a StreamRec container; <see cref="Value"/> is null when it comes from the platform (a fieldRef).</summary>
internal sealed record SettingUse(string File, string Container, string Name, string? Value)
{
    public const string Prefix = "STREAMREC_";

    /// <summary>The configuration key the environment provider makes of it: prefix removed, "__" for ":".</summary>
    public string? Key => Name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? Name[Prefix.Length..].Replace("__", ":", StringComparison.Ordinal) : null;

    public override string ToString() => $"{File} ({Container}): {Name}";
}
