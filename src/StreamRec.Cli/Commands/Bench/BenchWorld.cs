using System.Diagnostics;
using StreamRec.Simulation;

namespace StreamRec.Cli.Commands.Bench;

/// <summary>The generated world a bench runs on, cached by its parameters so repeated runs reuse it.</summary>
internal static class BenchWorld
{
    /// <summary>Returns the log's path, generating it first (and timing that) when it is not cached.</summary>
    public static (string Path, long? Events, double? EventsPerSec, int? PeakLiveRooms) Ensure(BenchSettings settings, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(settings.Directory);
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(settings.Directory, settings.WorldName));
        if (File.Exists(path))
        {
            return (path, null, null, null);
        }

        var partial = path + ".partial";
        var stopwatch = Stopwatch.StartNew();
        SimulationSummary summary;
        using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            summary = new LiveCommerceSimulator(new SimulationOptions
            {
                Users = settings.Users, Rooms = settings.Rooms, Duration = settings.Duration, Seed = settings.Seed,
            }).WriteJsonLines(file, cancellationToken);
        }

        // Only a complete log is ever cached under the world's name.
        File.Move(partial, path, overwrite: true);
        return (path, summary.Events, summary.Events / stopwatch.Elapsed.TotalSeconds, summary.PeakLiveRooms);
    }
}
