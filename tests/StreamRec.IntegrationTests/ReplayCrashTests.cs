using System.Diagnostics;
using System.Text.Json;

namespace StreamRec.IntegrationTests;

/// <summary>
/// The crash harness in small, in the style of Flink's SemanticsCheckMapper: `replay --state-dir` is killed
/// (SIGKILL) part way, again and again, and restarted; the files it finally leaves must be byte-identical
/// to an uninterrupted replay's, so no (user_id, seq) ever carries two different lists.
/// </summary>
public sealed class ReplayCrashTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-crash-").FullName;

    [Fact]
    public async Task ReplayWithStateDir_KilledRepeatedlyThenResumed_WritesExactlyTheUninterruptedOutput()
    {
        var (log, config) = await PrepareAsync();
        var reference = Path.Combine(_directory, "reference.jsonl");
        var referenceDlq = Path.Combine(_directory, "reference-dlq.jsonl");
        Assert.Equal(0, (await StartReplay(log, reference, referenceDlq, config, stateDir: null).WaitAsync()).Exit);
        var total = new FileInfo(reference).Length;

        var output = Path.Combine(_directory, "deltas.jsonl");
        var dlq = Path.Combine(_directory, "dlq.jsonl");
        var state = Path.Combine(_directory, "state");
        var killed = 0;
        foreach (var fraction in new[] { 0.15, 0.35, 0.55, 0.75 })
        {
            // Killed once the output has grown past a point: at whatever the process was doing then.
            using var replay = StartReplay(log, output, dlq, config, state);
            if (await replay.KillWhenLargerThanAsync(output, (long)(total * fraction)))
            {
                killed++;
            }
        }

        var (exit, stdout, stderr) = await StartReplay(log, output, dlq, config, state).WaitAsync();

        Assert.True(exit == 0, stderr);
        Assert.True(killed >= 2, $"only {killed} of the runs were killed before they finished");
        using var summary = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]);
        var resumedEvents = summary.RootElement.GetProperty("events_in").GetInt64();
        Assert.InRange(resumedEvents, 0, File.ReadLines(log).LongCount() - 1);
        Assert.Equal(await File.ReadAllBytesAsync(reference), await File.ReadAllBytesAsync(output));
        Assert.Equal(await File.ReadAllBytesAsync(referenceDlq), await File.ReadAllBytesAsync(dlq));
    }

    [Fact]
    public async Task ReplayWithStateDir_RunAgainAfterFinishing_ReadsNothingAndKeepsTheOutput()
    {
        var (log, config) = await PrepareAsync();
        var output = Path.Combine(_directory, "deltas.jsonl");
        var state = Path.Combine(_directory, "state");
        Assert.Equal(0, (await StartReplay(log, output, null, config, state).WaitAsync()).Exit);
        var first = await File.ReadAllBytesAsync(output);

        var (exit, stdout, stderr) = await StartReplay(log, output, null, config, state).WaitAsync();

        Assert.True(exit == 0, stderr);
        using var summary = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]);
        Assert.Equal(0, summary.RootElement.GetProperty("events_in").GetInt64());
        Assert.Equal(first, await File.ReadAllBytesAsync(output));
    }

    [Fact]
    public async Task ReplayWithStateDir_OutputCutInsideALineSinceTheCheckpoint_RefusesNamingTheFileAndLeavesIt()
    {
        var (log, config) = await PrepareAsync();
        var output = Path.Combine(_directory, "deltas.jsonl");
        var state = Path.Combine(_directory, "state");
        Assert.Equal(0, (await StartReplay(log, output, null, config, state).WaitAsync()).Exit);
        await using (var file = new FileStream(output, FileMode.Open))
        {
            file.SetLength(file.Length - 3);
        }

        var changed = await File.ReadAllBytesAsync(output);

        var (exit, _, stderr) = await StartReplay(log, output, null, config, state).WaitAsync();

        Assert.Equal(1, exit);
        Assert.Contains(output, stderr, StringComparison.Ordinal);
        Assert.Contains("Refusing to cut it", stderr, StringComparison.Ordinal);
        Assert.Equal(changed, await File.ReadAllBytesAsync(output));
    }

    [Fact]
    public async Task ReplayWithStateDir_OfAnotherInput_FailsNamingBothInputs()
    {
        var (log, config) = await PrepareAsync();
        var state = Path.Combine(_directory, "state");
        Assert.Equal(0, (await StartReplay(log, Path.Combine(_directory, "a.jsonl"), null, config, state).WaitAsync()).Exit);
        var other = Path.Combine(_directory, "other.jsonl");
        File.Copy(log, other);

        var (exit, _, stderr) = await StartReplay(other, Path.Combine(_directory, "b.jsonl"), null, config, state).WaitAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains("log.jsonl", stderr, StringComparison.Ordinal);
        Assert.Contains("other.jsonl", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<(string Log, string Config)> PrepareAsync()
    {
        var log = Path.Combine(_directory, "log.jsonl");
        var simulate = Cli.Start("simulate", "--users", "2000", "--rooms", "150", "--hours", "1", "--seed", "21", "--out", log);
        Assert.Equal(0, (await simulate.WaitAsync()).Exit);

        // Malformed lines, so dead letters go through the outbox too.
        await File.AppendAllLinesAsync(log, ["{\"type\":\"click\"", "not json"]);
        var config = Path.Combine(_directory, "settings.json");
        await File.WriteAllTextAsync(config, """{"Pipeline":{"CheckpointInterval":"00:00:00.050","BatchSize":256}}""");
        return (log, config);
    }

    private static Cli StartReplay(string log, string output, string? dlq, string config, string? stateDir)
    {
        List<string> args = ["replay", "--input", log, "--out", output, "--config", config, "--scorer", "baseline"];
        if (dlq is not null)
        {
            args.AddRange(["--dlq", dlq]);
        }

        if (stateDir is not null)
        {
            args.AddRange(["--state-dir", stateDir]);
        }

        return Cli.Start([.. args]);
    }

    private sealed class Cli : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stdout;
        private readonly Task<string> _stderr;

        private Cli(Process process)
        {
            _process = process;
            _stdout = process.StandardOutput.ReadToEndAsync();
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public static Cli Start(params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "streamrec.dll"));
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            return new Cli(Process.Start(start)!);
        }

        public async Task<(int Exit, string Stdout, string Stderr)> WaitAsync()
        {
            await _process.WaitForExitAsync().WaitAsync(Timeout);
            return (_process.ExitCode, await _stdout, await _stderr);
        }

        /// <summary>SIGKILLs the process once <paramref name="file"/> exceeds <paramref name="bytes"/>; false when it finished first.</summary>
        public async Task<bool> KillWhenLargerThanAsync(string file, long bytes)
        {
            var grown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var watcher = new FileSystemWatcher(Path.GetDirectoryName(file)!, Path.GetFileName(file))
            {
                NotifyFilter = NotifyFilters.Size | NotifyFilters.LastWrite | NotifyFilters.FileName,
            };
            void Check()
            {
                if (File.Exists(file) && new FileInfo(file).Length > bytes)
                {
                    grown.TrySetResult();
                }
            }

            watcher.Changed += (_, _) => Check();
            watcher.Created += (_, _) => Check();
            watcher.EnableRaisingEvents = true;
            Check();
            var exited = _process.WaitForExitAsync();
            if (await Task.WhenAny(grown.Task, exited).WaitAsync(Timeout) == exited)
            {
                return false;
            }

            _process.Kill(entireProcessTree: true);
            await exited.WaitAsync(Timeout);
            return true;
        }

        public void Dispose() => _process.Dispose();
    }
}
