using System.CommandLine;
using System.IO.Compression;
using StreamRec.Simulation;

namespace StreamRec.Cli.Commands;

/// <summary><c>streamrec simulate</c>: writes a seeded, realistic live-commerce event log.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var users = new Option<int>("--users") { Description = "Number of users.", DefaultValueFactory = _ => 5000 };
        var rooms = new Option<int>("--rooms") { Description = "Number of rooms.", DefaultValueFactory = _ => 300 };
        var hours = new Option<double>("--hours") { Description = "Span of event time, in hours.", DefaultValueFactory = _ => 2 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed; the same seed gives the same log.", DefaultValueFactory = _ => 42 };
        var output = new Option<FileInfo>("--out") { Description = "Output JSONL file (gzip when it ends in .gz).", Required = true };
        var truth = new Option<FileInfo?>("--truth")
        {
            Description = "Also write each visit's true ranking of the live rooms (JSON lines keyed by the click's event_id; gzip when it ends in .gz), for evaluate --truth. Costs a pass over the rooms per visit.",
        };
        var command = new Command("simulate", "Write a simulated live-commerce event log (JSON lines).") { users, rooms, hours, seed, output, truth };
        command.SetAction((result, cancellationToken) =>
        {
            var options = new SimulationOptions
            {
                Users = result.GetValue(users),
                Rooms = result.GetValue(rooms),
                Duration = TimeSpan.FromHours(result.GetValue(hours)),
                Seed = result.GetValue(seed),
            };
            return Task.FromResult(Run(options, result.GetRequiredValue(output), result.GetValue(truth), cancellationToken));
        });
        return command;
    }

    private static int Run(SimulationOptions options, FileInfo output, FileInfo? truth, CancellationToken cancellationToken)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            System.Console.Error.WriteLine($"simulate: {ex.Message}");
            return 2;
        }

        var path = output.FullName;
        SimulationSummary summary;
        using (var stream = Create(path, bufferSize: 0))
        using (var truthStream = truth is null ? null : Create(truth.FullName, bufferSize: 1 << 16))
        {
            summary = new LiveCommerceSimulator(options).WriteJsonLines(stream, truthStream, cancellationToken);
        }

        System.Console.Error.WriteLine(
            $"simulate: wrote {summary.Events} events for {options.Users} users and {options.Rooms} rooms (at most {summary.PeakLiveRooms} live at once) to {path}"
            + (truth is null ? string.Empty : $", the true rankings to {truth.FullName}"));
        return 0;
    }

    /// <summary>A new file, gzip-compressed when its name ends in .gz; disposing the stream closes the file.</summary>
    private static Stream Create(string path, int bufferSize)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
    }
}
