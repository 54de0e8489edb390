using System.Reflection;
using System.Runtime.InteropServices;

namespace StreamRec.Kafka.Embedded;

/// <summary>
/// Binds <see cref="NativeMethods.LibraryName"/> to the librdkafka file that librdkafka.redist copies next to the
/// application (our builds are RID-specific, see Platform.props), or under <c>runtimes/&lt;rid&gt;/native</c> in a
/// portable build.
/// </summary>
/// <remarks>
/// On Debian the package's default <c>librdkafka.so</c> cannot load (it wants <c>libsasl2.so.3</c>,
/// Debian ships <c>.so.2</c>), so the self-contained <c>centos8-librdkafka.so</c> comes first, the
/// same file Confluent.Kafka falls back to; loading the same path twice yields one shared image.
/// </remarks>
internal static class LibrdkafkaLoader
{
    private static readonly Lazy<nint> Handle = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _resolverRegistered;

    /// <summary>Registers the resolver and loads the library now, so a missing file fails here with a clear message.</summary>
    /// <exception cref="DllNotFoundException">No candidate file could be loaded.</exception>
    public static void EnsureLoaded()
    {
        if (Interlocked.Exchange(ref _resolverRegistered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaLoader).Assembly, Resolve);
        }

        _ = Handle.Value;
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == NativeMethods.LibraryName ? Handle.Value : 0;

    private static nint Load()
    {
        var failures = new List<string>();
        foreach (var path in CandidatePaths())
        {
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                return NativeLibrary.Load(path);
            }
            catch (DllNotFoundException ex)
            {
                // A present but unloadable file (a missing dependency) is expected for all but one variant.
                failures.Add($"{path}: {ex.Message}");
            }
        }

        var detail = failures.Count == 0 ? "no candidate file exists" : string.Join("; ", failures);
        throw new DllNotFoundException(
            $"Could not load librdkafka for the embedded Kafka broker from {string.Join(", ", SearchDirectories())} ({detail}). " +
            "Reference Confluent.Kafka (which brings librdkafka.redist) from the application project.");
    }

    private static IEnumerable<string> CandidatePaths()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        (string Rid, string[] Files) platform =
            OperatingSystem.IsLinux() ? ($"linux-{arch}", ["centos8-librdkafka.so", "librdkafka.so"])
            : OperatingSystem.IsMacOS() ? ($"osx-{arch}", ["librdkafka.dylib"])
            : OperatingSystem.IsWindows() ? ($"win-{arch}", ["librdkafka.dll"])
            : throw new PlatformNotSupportedException($"The embedded Kafka broker does not support {RuntimeInformation.OSDescription}.");

        foreach (var directory in SearchDirectories())
        {
            foreach (var file in platform.Files)
            {
                yield return Path.Combine(directory, "runtimes", platform.Rid, "native", file);

                // A RID-specific publish flattens native assets into the application folder.
                yield return Path.Combine(directory, file);
            }
        }
    }

    private static IEnumerable<string> SearchDirectories()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var directory in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(LibrdkafkaLoader).Assembly.Location) })
        {
            if (!string.IsNullOrEmpty(directory) && seen.Add(Path.GetFullPath(directory)))
            {
                yield return Path.GetFullPath(directory);
            }
        }
    }
}
