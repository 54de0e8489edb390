using StreamRec.Deploy.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace StreamRec.Deploy.Tests;

public sealed class KubernetesTests
{
    private static readonly IReadOnlyList<YamlMappingNode> Manifests =
        RepositoryFiles.KubernetesManifests().SelectMany(Yaml.Documents).ToList();

    private static readonly YamlMappingNode StatefulSet = Manifests.Single(document => document.Text("kind") == "StatefulSet");

    private static YamlMappingNode PodSpec => StatefulSet.Map("spec").Map("template").Map("spec");

    private static YamlNode Container => PodSpec.Items("containers").Single();

    [Fact]
    public void Manifests_EveryDocument_HasApiVersionKindAndName()
    {
        Assert.All(Manifests, document =>
        {
            Assert.False(string.IsNullOrEmpty(document.Text("apiVersion")));
            Assert.False(string.IsNullOrEmpty(document.Text("kind")));
            Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", document.Map("metadata").Text("name"));
        });
        Assert.Equal(
            ["ConfigMap", "PodDisruptionBudget", "Secret", "Service", "StatefulSet"],
            Manifests.Select(document => document.Text("kind")!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Kustomization_Resources_AreEveryManifest()
    {
        var kustomization = Yaml.Documents(RepositoryFiles.PathOf("deploy/k8s/kustomization.yaml")).Single();

        Assert.Equal(
            RepositoryFiles.KubernetesManifests().Select(Path.GetFileName).Order(StringComparer.Ordinal),
            kustomization.Strings("resources").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void StatefulSet_Probes_AskLivezAndReadyzOnTheConfiguredPort()
    {
        var port = Setting("STREAMREC_Http__Port");
        var http = Container.Items("ports").Single(entry => entry.Text("name") == "http");

        Assert.Equal(port, http.Text("containerPort"));
        Assert.Equal("/livez", Container.Map("livenessProbe").Map("httpGet").Text("path"));
        Assert.Equal("/readyz", Container.Map("readinessProbe").Map("httpGet").Text("path"));
        Assert.Equal("http", Container.Map("readinessProbe").Map("httpGet").Text("port"));
        Assert.Equal("0.0.0.0", Setting("STREAMREC_Http__Address"));
    }

    [Fact]
    public void StatefulSet_StateDirectory_IsOnAPersistentVolumeClaim()
    {
        var claim = StatefulSet.Map("spec").Items("volumeClaimTemplates").Single().Map("metadata").Text("name");
        var mount = Container.Items("volumeMounts").Single(entry => entry.Text("name") == claim).Text("mountPath");

        Assert.StartsWith(mount + "/", Setting("STREAMREC_State__Directory"), StringComparison.Ordinal);
    }

    [Fact]
    public void StatefulSet_Replicas_AtMostTheUserTopicsPartitions()
    {
        // The compose topic step creates the partition counts the README documents for a cluster.
        var script = string.Join('\n', Yaml.Documents(RepositoryFiles.PathOf(DeploymentFiles.Compose)).Single().Map("services").Map("kafka-init").Strings("command"));
        var clicks = System.Text.RegularExpressions.Regex.Match(script, @"--topic live\.clicks --partitions (\d+)").Groups[1].Value;

        Assert.InRange(int.Parse(StatefulSet.Map("spec").Text("replicas")!, System.Globalization.CultureInfo.InvariantCulture), 1, int.Parse(clicks, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ServicesAndDisruptionBudget_Selectors_MatchThePods()
    {
        var labels = StatefulSet.Map("spec").Map("template").Map("metadata").Entries("labels").ToDictionary(entry => entry.Key, entry => entry.Value.ToString());
        var selectors = Manifests.Where(document => document.Text("kind") == "Service").Select(service => service.Map("spec").Map("selector"))
            .Concat(Manifests.Where(document => document.Text("kind") is "PodDisruptionBudget").Select(budget => budget.Map("spec").Map("selector").Map("matchLabels")))
            .Append(StatefulSet.Map("spec").Map("selector").Map("matchLabels"))
            .ToList();

        Assert.Equal(4, selectors.Count);
        Assert.All(selectors, selector => Assert.All(selector.Children, entry => Assert.Equal(entry.Value.ToString(), labels[entry.Key.ToString()])));
    }

    [Fact]
    public void StatefulSet_Pods_RunAsTheImagesNonRootUser()
    {
        var user = System.Text.RegularExpressions.Regex.Match(RepositoryFiles.Read(DeploymentFiles.Dockerfile), @"\nUSER (\d+)").Groups[1].Value;

        Assert.Equal("true", PodSpec.Map("securityContext").Text("runAsNonRoot"));
        Assert.Equal(user, PodSpec.Map("securityContext").Text("runAsUser"));
        Assert.Equal(user, PodSpec.Map("securityContext").Text("fsGroup"));
    }

    private static string? Setting(string name) =>
        DeploymentFiles.KubernetesContainers().Single().Environment.Last(use => use.Name == name).Value;
}
