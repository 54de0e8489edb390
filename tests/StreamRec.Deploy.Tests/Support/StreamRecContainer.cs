namespace StreamRec.Deploy.Tests.Support;

/// <summary>A container of the StreamRec image as a deployment file defines it: its environment and its command line.</summary>
internal sealed record StreamRecContainer(string File, string Name, IReadOnlyList<SettingUse> Environment, IReadOnlyList<string>? Arguments)
{
    public override string ToString() => $"{File} ({Name})";
}
