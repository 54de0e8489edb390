using System.Text.RegularExpressions;
using System.Xml.Linq;
using StreamRec.Deploy.Tests.Support;

namespace StreamRec.Deploy.Tests;

public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = RepositoryFiles.Read(DeploymentFiles.Dockerfile);

    [Fact]
    public void Dockerfile_RestoreLayer_CopiesEveryProjectTheCliReferences()
    {
        // A project missing here breaks the restore; one too many is a stale line.
        var copied = CopiedProject().Matches(Dockerfile).Select(match => match.Groups[1].Value).Order(StringComparer.Ordinal);

        Assert.Equal(ProjectClosure("src/StreamRec.Cli/StreamRec.Cli.csproj").Order(StringComparer.Ordinal), copied);
    }

    [Fact]
    public void Dockerfile_RestoreLayer_CopiesEveryRootBuildFile()
    {
        // Every project imports the root props files (Platform.props through Directory.Build.props): one left out
        // fails the image's restore, which no test here can run.
        var copied = RootCopy().Match(Dockerfile).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var build = Directory.GetFiles(RepositoryFiles.Root, "*.props").Select(Path.GetFileName).Append("global.json");

        Assert.All(build, file => Assert.Contains(file, copied));
    }

    [Fact]
    public void Dockerfile_Publish_IsForLinuxX64Only()
    {
        Assert.Matches(@"dotnet restore \S+ -r linux-x64", Dockerfile);
        Assert.Matches(@"dotnet publish \S+ -c Release -r linux-x64 --self-contained false\s+--no-restore", Dockerfile.Replace("\\\n", " ", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_Runtime_RunsAsNonRootAndDeclaresPortAndStateVolume()
    {
        var image = DeploymentFiles.DockerfileImage().Environment.ToDictionary(use => use.Name, use => use.Value);
        var runtime = Dockerfile[Dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];

        var user = Regex.Match(runtime, @"\nUSER (\S+)").Groups[1].Value;
        Assert.NotEqual(string.Empty, user);
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.Equal(image["STREAMREC_Http__Port"], Regex.Match(runtime, @"\nEXPOSE (\d+)").Groups[1].Value);
        Assert.Equal("0.0.0.0", image["STREAMREC_Http__Address"]);
        var volume = Regex.Match(runtime, @"\nVOLUME \[""([^""]+)""\]").Groups[1].Value;
        Assert.StartsWith(volume + "/", image["STREAMREC_State__Directory"], StringComparison.Ordinal);
    }

    private static HashSet<string> ProjectClosure(string project)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!found.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Load(RepositoryFiles.PathOf(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(RepositoryFiles.PathOf(directory), reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(RepositoryFiles.Root, full).Replace('\\', '/'));
            }
        }

        return found;
    }

    [GeneratedRegex(@"^COPY ((?:[^/\s]+ )+)\./$", RegexOptions.Multiline)]
    private static partial Regex RootCopy();

    [GeneratedRegex(@"^COPY (src/\S+\.csproj) ", RegexOptions.Multiline)]
    private static partial Regex CopiedProject();
}
