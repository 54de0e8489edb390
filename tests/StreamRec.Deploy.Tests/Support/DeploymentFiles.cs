using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace StreamRec.Deploy.Tests.Support;

/// <summary>Reads the StreamRec containers out of docker-compose.yml, deploy/k8s/*.yaml and deploy/Dockerfile.</summary>
internal static partial class DeploymentFiles
{
    public const string Compose = "docker-compose.yml";
    public const string Dockerfile = "deploy/Dockerfile";

    /// <summary>Every container that runs the StreamRec image, in every deployment file.</summary>
    public static IReadOnlyList<StreamRecContainer> Containers() => [.. ComposeServices(), .. KubernetesContainers(), DockerfileImage()];

    /// <summary>Compose services built from the Dockerfile or running its image (streamrec:...).</summary>
    public static IEnumerable<StreamRecContainer> ComposeServices()
    {
        var root = Yaml.Documents(RepositoryFiles.PathOf(Compose)).Single();
        foreach (var (name, service) in root.Entries("services"))
        {
            if (service.Get("build") is null && service.Text("image")?.StartsWith("streamrec:", StringComparison.Ordinal) != true)
            {
                continue;
            }

            var environment = service.Get("environment") switch
            {
                YamlMappingNode mapping => mapping.Children.Select(entry => new SettingUse(Compose, name, ((YamlScalarNode)entry.Key).Value!, ((YamlScalarNode)entry.Value).Value)),
                YamlSequenceNode list => list.Children.OfType<YamlScalarNode>().Select(item => item.Value!.Split('=', 2)).Select(pair => new SettingUse(Compose, name, pair[0], pair.ElementAtOrDefault(1))),
                _ => [],
            };
            yield return new StreamRecContainer(Compose, name, environment.ToList(), service.Get("command") is null ? null : service.Strings("command"));
        }
    }

    /// <summary>Containers of workloads whose image is streamrec, with envFrom resolved against the ConfigMaps and Secrets beside them.</summary>
    public static IEnumerable<StreamRecContainer> KubernetesContainers()
    {
        var documents = RepositoryFiles.KubernetesManifests()
            .SelectMany(path => Yaml.Documents(path).Select(document => (File: "deploy/k8s/" + Path.GetFileName(path), Document: document)))
            .ToList();
        foreach (var (file, workload) in documents.Where(entry => entry.Document.Text("kind") is "StatefulSet" or "Deployment"))
        {
            var containers = workload.Map("spec").Map("template").Map("spec").Items("containers");
            foreach (var container in containers.Where(container => container.Text("image")?.StartsWith("streamrec", StringComparison.Ordinal) == true))
            {
                var name = $"{workload.Text("kind")}/{workload.Map("metadata").Text("name")}/{container.Text("name")}";
                var environment = new List<SettingUse>();
                foreach (var source in container.Items("envFrom"))
                {
                    var (kind, reference) = source.Get("configMapRef") is { } configMap ? ("ConfigMap", configMap) : ("Secret", source.Map("secretRef"));
                    var referenced = reference.Text("name");
                    var (definedIn, definition) = documents.SingleOrDefault(entry => entry.Document.Text("kind") == kind && entry.Document.Map("metadata").Text("name") == referenced);
                    if (definition is null)
                    {
                        throw new InvalidDataException($"{file}: {name} takes its environment from {kind} '{referenced}', which no manifest defines.");
                    }

                    environment.AddRange(definition.Entries("data").Concat(definition.Entries("stringData"))
                        .Select(entry => new SettingUse(definedIn, $"{kind}/{referenced}", entry.Key, Decode(kind, entry.Value, definition.Get("stringData")?.Get(entry.Key) is not null))));
                }

                environment.AddRange(container.Items("env").Select(variable => new SettingUse(file, name, variable.Text("name")!, variable.Text("value"))));
                yield return new StreamRecContainer(file, name, environment, container.Get("args") is null ? null : container.Strings("args"));
            }
        }
    }

    /// <summary>The image's own defaults: its ENV lines, and its CMD as the arguments.</summary>
    public static StreamRecContainer DockerfileImage()
    {
        var lines = RepositoryFiles.Read(Dockerfile).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
        var environment = lines.Where(line => line.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(line => line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .Select(pair => new SettingUse(Dockerfile, "image", pair[0], pair.ElementAtOrDefault(1)))
            .ToList();
        var command = lines.Last(line => line.StartsWith("CMD ", StringComparison.Ordinal));
        var arguments = ExecForm().Matches(command).Select(match => match.Groups[1].Value).ToList();
        return new StreamRecContainer(Dockerfile, "image", environment, arguments);
    }

    private static string? Decode(string kind, YamlNode value, bool plain)
    {
        var text = (value as YamlScalarNode)?.Value;
        return kind == "Secret" && !plain && text is not null ? Encoding.UTF8.GetString(Convert.FromBase64String(text)) : text;
    }

    [GeneratedRegex("\"([^\"]*)\"")]
    private static partial Regex ExecForm();
}
