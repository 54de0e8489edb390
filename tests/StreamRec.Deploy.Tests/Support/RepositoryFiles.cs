namespace StreamRec.Deploy.Tests.Support;

/// <summary>The checked-out repository the tests run from: the deployment files are read where they are committed.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static IReadOnlyList<string> KubernetesManifests() =>
        Directory.GetFiles(PathOf("deploy/k8s"), "*.yaml").Where(path => Path.GetFileName(path) != "kustomization.yaml").Order(StringComparer.Ordinal).ToList();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StreamRec.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No StreamRec.sln above {AppContext.BaseDirectory}.");
    }
}
