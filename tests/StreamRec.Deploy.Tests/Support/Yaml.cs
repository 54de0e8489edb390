using YamlDotNet.RepresentationModel;

namespace StreamRec.Deploy.Tests.Support;

/// <summary>Navigation over YamlDotNet's node model, so a missing or mistyped node fails with its path.</summary>
internal static class Yaml
{
    public static IReadOnlyList<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents.Select(document => document.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public static YamlNode? Get(this YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static YamlMappingNode Map(this YamlNode node, string key) =>
        node.Get(key) as YamlMappingNode ?? throw new InvalidDataException($"'{key}' is not a mapping at {node.Start}.");

    public static string? Text(this YamlNode node, string key) => (node.Get(key) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode node, string key) => node.Get(key) is YamlSequenceNode sequence ? sequence.Children : [];

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode node, string key) =>
        node.Get(key) is YamlMappingNode mapping ? mapping.Children.Select(entry => (((YamlScalarNode)entry.Key).Value!, entry.Value)) : [];

    public static IReadOnlyList<string> Strings(this YamlNode node, string key) =>
        node.Items(key).OfType<YamlScalarNode>().Select(scalar => scalar.Value ?? string.Empty).ToList();
}
