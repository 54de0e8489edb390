using System.CommandLine;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using StreamRec.Cli.Commands;
using StreamRec.Cli.Commands.Demo;
using StreamRec.Deploy.Tests.Support;

namespace StreamRec.Deploy.Tests;

/// <summary>Every setting the deployment files give the service is one that <c>streamrec run</c> actually binds.</summary>
public sealed class ConfigurationKeyTests
{
    private static readonly SettingSchema Schema = new(BoundSections.All);

    [Fact]
    public void DeploymentFiles_EveryStreamRecVariable_IsASettingRunBinds()
    {
        var uses = DeploymentFiles.Containers().SelectMany(container => container.Environment).Where(use => use.Key is not null).ToList();
        var problems = uses
            .Select(use => (Use: use, Problem: Schema.Problem(use.Key!)))
            .Where(check => check.Problem is not null)
            .Select(check => $"{check.Use}: {check.Problem}")
            .ToList();

        NoProblems(problems);
        // Every file is read: a parser that found nothing would pass the check above vacuously.
        Assert.Contains(uses, use => use.File == DeploymentFiles.Compose);
        Assert.Contains(uses, use => use.File == DeploymentFiles.Dockerfile);
        Assert.Contains(uses, use => use.File == "deploy/k8s/configmap.yaml");
        Assert.Contains(uses, use => use.File == "deploy/k8s/secret.yaml");
        Assert.Contains(uses, use => use.File == "deploy/k8s/statefulset.yaml");
    }

    [Fact]
    public void DeploymentFiles_VariablesOfStreamRecContainers_AllCarryThePrefix()
    {
        // A misspelt prefix (STREAMRC_Kafka__GroupId) is not a setting at all and would be ignored silently.
        var strays = DeploymentFiles.Containers().SelectMany(container => container.Environment)
            .Where(use => use.Key is null && !use.Name.StartsWith("DOTNET_", StringComparison.Ordinal))
            .Select(use => use.ToString())
            .ToList();

        NoProblems(strays);
    }

    [Fact]
    public void DeploymentFiles_SettingsOfEachRunContainer_BindAndValidate()
    {
        var image = DeploymentFiles.DockerfileImage();
        var checkedContainers = 0;
        var problems = new List<string>();
        foreach (var container in DeploymentFiles.Containers().Where(container => container.File != DeploymentFiles.Dockerfile))
        {
            var arguments = container.Arguments ?? image.Arguments;
            if (arguments is not { Count: > 0 } || arguments[0] != "run")
            {
                continue;
            }

            // As in the container: the image's appsettings.json, the image's ENV, then the file's own variables.
            var values = image.Environment.Concat(container.Environment)
                .Where(use => use.Key is not null)
                .GroupBy(use => use.Key!, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(group => group.Key, group => group.Last().Value ?? $"{container.Name}-from-platform", StringComparer.OrdinalIgnoreCase);
            var configuration = new ConfigurationBuilder()
                .AddJsonFile(RepositoryFiles.PathOf("appsettings.json"), optional: false, reloadOnChange: false)
                .AddInMemoryCollection(values!)
                .Build();
            foreach (var (section, type) in BoundSections.All)
            {
                try
                {
                    var bound = configuration.GetSection(section).Get(type, binder => binder.ErrorOnUnknownConfiguration = true) ?? Activator.CreateInstance(type)!;
                    type.GetMethod("Validate", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)?.Invoke(bound, null);
                }
                catch (Exception ex) when (ex is InvalidOperationException or TargetInvocationException)
                {
                    problems.Add($"{container}: {section}: {(ex.InnerException ?? ex).Message}");
                }
            }

            checkedContainers++;
        }

        NoProblems(problems);
        Assert.Equal(2, checkedContainers); // compose's streamrec service and the StatefulSet
    }

    [Fact]
    public void DeploymentFiles_CommandLines_ParseAsStreamRecCommands()
    {
        var root = new RootCommand { RunCommand.Create(), TrafficCommand.Create() };
        var problems = DeploymentFiles.Containers()
            .Where(container => container.Arguments is not null)
            .SelectMany(container => root.Parse([.. container.Arguments!]).Errors.Select(error => $"{container}: {error.Message}"))
            .ToList();

        NoProblems(problems);
    }

    [Fact]
    public void Appsettings_EveryKey_IsASettingRunBinds()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(RepositoryFiles.PathOf("appsettings.json"), optional: false, reloadOnChange: false).Build();
        var leaves = configuration.AsEnumerable().Where(entry => entry.Value is not null && entry.Value.Length > 0).Select(entry => entry.Key).ToList();

        NoProblems(leaves.Select(key => (Key: key, Problem: Schema.Problem(key))).Where(check => check.Problem is not null).Select(check => $"{check.Key}: {check.Problem}").ToList());
        Assert.Contains("Kafka:Topics:Clicks", leaves);
    }

    [Fact]
    public void BoundSections_ReadOffRunCommand_AreTheSectionsOfAppsettings()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(RepositoryFiles.PathOf("appsettings.json"), optional: false, reloadOnChange: false).Build();
        var documented = configuration.GetChildren().Select(section => section.Key).Order(StringComparer.Ordinal);

        // appsettings.json lists every setting with its default, so a section run binds belongs there too.
        Assert.Equal(documented, BoundSections.All.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Kafka:BootstrapServer")]
    [InlineData("Kafka:Topics:Click")]
    [InlineData("Kafka:Topics")]
    [InlineData("Kafka:Topics:All:0")]
    [InlineData("Kafka:GroupId:Name")]
    [InlineData("Kafka::GroupId")]
    [InlineData("Http:Adress")]
    [InlineData("Pipeline:Retrieval:MaxCandidate")]
    [InlineData("Pipeline:Weights:Clicks")]
    [InlineData("OnlineEvaluation:SampleRatio")]
    [InlineData("Logging:LogLevel")]
    [InlineData("Logging:Consol:LogLevel:Default")]
    [InlineData("Sate:Directory")]
    public void SettingSchema_MisspeltOrIncompleteKey_IsRejected(string key)
    {
        Assert.NotNull(Schema.Problem(key));
    }

    [Theory]
    [InlineData("Kafka:BootstrapServers")]
    [InlineData("kafka:bootstrapservers")]
    [InlineData("Kafka:Topics:Clicks")]
    [InlineData("Kafka:Client:sasl.password")]
    [InlineData("Kafka:Consumer:fetch.wait.max.ms")]
    [InlineData("Pipeline:Retrieval:MaxCandidates")]
    [InlineData("Pipeline:Weights:Purchase")]
    [InlineData("Http:Port")]
    [InlineData("OnlineEvaluation:Window")]
    [InlineData("Logging:LogLevel:Microsoft.AspNetCore")]
    [InlineData("Logging:Console:LogLevel:Default")]
    public void SettingSchema_BoundKey_IsAccepted(string key)
    {
        Assert.Null(Schema.Problem(key));
    }

    /// <summary>Fails with every problem on its own line (xunit's collection message cuts them short).</summary>
    private static void NoProblems(List<string> problems) =>
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
}
