using System.Diagnostics;
using System.Text.Json;

namespace StreamRec.IntegrationTests;

/// <summary>The streamrec program as a user runs it: exit codes, stdout, stderr.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-cli-").FullName;

    [Fact]
    public async Task Replay_MissingInput_ExitsNonZeroWithClearMessage()
    {
        var (exit, stdout, stderr) = await Streamrec("replay", "--input", Path.Combine(_directory, "nope.jsonl"), "--out", Path.Combine(_directory, "d.jsonl"));

        Assert.NotEqual(0, exit);
        Assert.Contains("nope.jsonl", stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout.Trim());
    }

    [Fact]
    public async Task Replay_OutIsTheInput_RefusedUpFrontAndInputIntact()
    {
        var log = await SimulateAsync("log.jsonl");
        var before = await File.ReadAllBytesAsync(log);

        var (exit, _, stderr) = await Streamrec("replay", "--input", log, "--out", Path.Combine(_directory, ".", "log.jsonl"));

        Assert.Equal(2, exit);
        Assert.Contains("--out", stderr, StringComparison.Ordinal);
        Assert.Contains("is the input log", stderr, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(log));
    }

    [Fact]
    public async Task Replay_TruncatedGzip_FailsNonZeroNamingTheFileLikeGzipTest()
    {
        var log = await SimulateAsync("log.jsonl.gz");
        var truncated = Path.Combine(_directory, "truncated.jsonl.gz");
        var bytes = await File.ReadAllBytesAsync(log);
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)]);

        var (exit, stdout, stderr) = await Streamrec("replay", "--input", truncated, "--out", Path.Combine(_directory, "d.jsonl"));

        Assert.Equal(1, exit);
        Assert.Contains("truncated.jsonl.gz", stderr, StringComparison.Ordinal);
        Assert.Contains("truncated or corrupt", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout.Trim());
    }

    [Fact]
    public async Task Replay_UnwritableDlq_NamesTheDlqAndLeavesNoOutFile()
    {
        var log = await SimulateAsync("log.jsonl");
        var output = Path.Combine(_directory, "deltas.jsonl");
        var notADirectory = Path.Combine(_directory, "plain-file");
        await File.WriteAllTextAsync(notADirectory, "x");
        var dlq = Path.Combine(notADirectory, "dlq.jsonl");

        var (exit, _, stderr) = await Streamrec("replay", "--input", log, "--out", output, "--dlq", dlq);

        Assert.Equal(1, exit);
        Assert.Contains("--dlq", stderr, StringComparison.Ordinal);
        Assert.Contains(dlq, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain($"'{output}'", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output), "an empty --out was left behind");
    }

    [Fact]
    public async Task SimulateThenReplay_GzipLog_LastStdoutLineIsTheJsonSummary()
    {
        var log = Path.Combine(_directory, "log.jsonl.gz");
        var (simulated, _, simulateErr) = await Streamrec("simulate", "--users", "200", "--rooms", "20", "--hours", "0.5", "--seed", "5", "--out", log);
        Assert.Equal(0, simulated);
        Assert.Contains("wrote", simulateErr, StringComparison.Ordinal);

        var (exit, stdout, _) = await Streamrec("replay", "--input", log, "--out", Path.Combine(_directory, "deltas.jsonl"), "--top-k", "5");

        Assert.Equal(0, exit);
        using var summary = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]);
        string[] keys =
        [
            "events_in", "valid", "dead_lettered", "deltas_out", "users", "rooms", "elapsed_ms", "events_per_sec", "partitions", "reranks",
            "scored_rows", "promotions", "peak_rss_bytes", "allocated_bytes", "model_rows", "model_calls", "scoring_ms", "deltas_per_event",
            "reranks_per_event", "rows_per_event", "allocated_bytes_per_event",
        ];
        Assert.Equal(keys, summary.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(summary.RootElement.GetProperty("events_in").GetInt64() > 0);
        Assert.Equal(summary.RootElement.GetProperty("events_in").GetInt64(), summary.RootElement.GetProperty("valid").GetInt64());
        Assert.True(File.ReadLines(Path.Combine(_directory, "deltas.jsonl")).All(l => JsonDocument.Parse(l).RootElement.GetProperty("top").GetArrayLength() <= 5));
    }

    [Fact]
    public async Task Replay_CorruptGzipInput_ExitsNonZeroWithClearMessage()
    {
        var input = Path.Combine(_directory, "corrupt.jsonl.gz");
        await File.WriteAllBytesAsync(input, [.. System.Text.Encoding.ASCII.GetBytes("this is not gzip data at all, just text"), .. new byte[4096]]);

        var (exit, stdout, stderr) = await Streamrec("replay", "--input", input, "--out", Path.Combine(_directory, "d.jsonl"), "--scorer", "baseline");

        Assert.NotEqual(0, exit);
        Assert.Contains("is corrupt", stderr, StringComparison.Ordinal);
        Assert.Contains("corrupt.jsonl.gz", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout.Trim());
    }

    [Fact]
    public async Task Run_InvalidSettingsFromEnvironment_ExitsListingEachProblem()
    {
        var environment = new Dictionary<string, string> { ["STREAMREC_Pipeline__TopK"] = "0", ["STREAMREC_Kafka__MaxInFlightMessages"] = "0" };

        var (exit, _, stderr) = await Streamrec(environment, "run", "--bootstrap-servers", "127.0.0.1:1", "--scorer", "baseline");

        Assert.Equal(2, exit);
        Assert.Contains("TopK must be in [1, 1000], got 0.", stderr, StringComparison.Ordinal);
        Assert.Contains("MaxInFlightMessages", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingModel_ExitsWithUsageErrorBeforeTouchingKafka()
    {
        var (exit, _, stderr) = await Streamrec("run", "--bootstrap-servers", "127.0.0.1:1", "--model", Path.Combine(_directory, "absent.onnx"));

        Assert.Equal(2, exit);
        Assert.Contains("absent.onnx' does not exist", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_SameSeedTwice_IdenticalLogs()
    {
        var a = Path.Combine(_directory, "a.jsonl");
        var b = Path.Combine(_directory, "b.jsonl");

        await Streamrec("simulate", "--users", "100", "--rooms", "10", "--hours", "0.25", "--seed", "9", "--out", a);
        await Streamrec("simulate", "--users", "100", "--rooms", "10", "--hours", "0.25", "--seed", "9", "--out", b);

        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.True(new FileInfo(a).Length > 0);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task BenchQuick_Json_LastLineHoldsEveryFigureWithItsRatio()
    {
        var (exit, stdout, stderr) = await Streamrec("bench", "--quick", "--json", "--dir", Path.Combine(_directory, "bench"));

        Assert.True(exit == 0, stderr);
        using var report = JsonDocument.Parse(stdout.TrimEnd().Split('\n')[^1]);
        var root = report.RootElement;
        string[] measured =
        [
            "decode_events_per_sec", "replay_events_per_sec", "replay_scored_events_per_sec", "onnx_raw_rows_per_sec", "scoring_ratio",
            "kafka_events_per_sec", "kafka_raw_events_per_sec", "kafka_ratio", "state_bytes_per_user", "peak_rss_bytes", "deltas_per_event",
            "reranks_per_event", "freshness_p50_ms", "freshness_p99_ms", "stop_to_delta_p99_ms", "hop_p99_ms",
        ];
        Assert.All(measured, key => Assert.True(root.GetProperty(key).GetDouble() > 0, $"{key} = {root.GetProperty(key)}"));
        Assert.True(root.GetProperty("freshness_max_ms").GetDouble() >= root.GetProperty("freshness_p99_ms").GetDouble());
        Assert.InRange(root.GetProperty("hop_p50_ms").GetDouble(), 0, root.GetProperty("hop_p99_ms").GetDouble());
        Assert.Equal(root.GetProperty("replay_events_per_sec").GetDouble() / root.GetProperty("decode_events_per_sec").GetDouble(), root.GetProperty("replay_decode_ratio").GetDouble(), 6);
        Assert.True(File.Exists(Path.Combine(_directory, "bench", root.GetProperty("world").GetString()!)));
    }

    /// <summary>A small simulated log in the test's directory.</summary>
    private async Task<string> SimulateAsync(string name)
    {
        var log = Path.Combine(_directory, name);
        var (exit, _, stderr) = await Streamrec("simulate", "--users", "200", "--rooms", "20", "--hours", "0.5", "--seed", "5", "--out", log);
        Assert.True(exit == 0, stderr);
        return log;
    }

    private static Task<(int Exit, string Stdout, string Stderr)> Streamrec(params string[] args) =>
        Streamrec(new Dictionary<string, string>(), args);

    private static async Task<(int Exit, string Stdout, string Stderr)> Streamrec(Dictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "streamrec.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        return (process.ExitCode, await stdout, await stderr);
    }
}
