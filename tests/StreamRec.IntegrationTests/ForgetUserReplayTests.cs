using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace StreamRec.IntegrationTests;

/// <summary>Forgetting a user, end to end: the withdrawal in the output, and the id gone from the state's files.</summary>
public sealed class ForgetUserReplayTests : IDisposable
{
    private const string Forgotten = "zz-forget-me-7f3a";
    private const string Kept = "zz-keep-me-91c2";
    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-forget-").FullName;

    [Fact]
    public async Task ReplayWithStateDir_UserForget_WithdrawsTheListAndErasesTheIdFromTheStateFiles()
    {
        var log = Path.Combine(_directory, "log.jsonl");
        Assert.Equal(0, (await Streamrec("simulate", "--users", "600", "--rooms", "50", "--hours", "0.5", "--seed", "4", "--out", log)).Exit);

        // Two users of our own, given a simulated user's engagements; then one of them asks to be forgotten.
        var lines = await File.ReadAllLinesAsync(log);
        var donor = lines.Select(l => JsonDocument.Parse(l).RootElement).First(e => e.TryGetProperty("user_id", out _)).GetProperty("user_id").GetString()!;
        var copies = lines.Where(l => l.Contains($"\"{donor}\"", StringComparison.Ordinal)).ToArray();
        var last = lines.Max(l => JsonDocument.Parse(l).RootElement.GetProperty("ts").GetInt64());
        var forget = $$"""{"type":"user_forget","event_id":"forget-1","ts":{{last + 1_000}},"user_id":"{{Forgotten}}"}""";
        await File.WriteAllLinesAsync(log, lines.Concat(copies.Select(l => l.Replace(donor, Forgotten, StringComparison.Ordinal)))
            .Concat(copies.Select(l => l.Replace(donor, Kept, StringComparison.Ordinal)))
            .OrderBy(l => JsonDocument.Parse(l).RootElement.GetProperty("ts").GetInt64())
            .Append(forget));
        var output = Path.Combine(_directory, "deltas.jsonl");
        var state = Path.Combine(_directory, "state");

        var (exit, _, stderr) = await Streamrec("replay", "--input", log, "--out", output, "--state-dir", state, "--scorer", "baseline");

        Assert.True(exit == 0, stderr);
        var deltas = File.ReadLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var mine = deltas.Where(d => d.GetProperty("user_id").GetString() == Forgotten).ToArray();
        Assert.True(mine.Length > 1, "the forgotten user had lists before");
        Assert.True(mine[^1].GetProperty("forgotten").GetBoolean());
        Assert.Equal(0, mine[^1].GetProperty("top").GetArrayLength());
        Assert.Equal(mine[^2].GetProperty("seq").GetInt64() + 1, mine[^1].GetProperty("seq").GetInt64());
        Assert.DoesNotContain(deltas.Where(d => d.GetProperty("user_id").GetString() != Forgotten), d => d.TryGetProperty("forgotten", out _));

        // The search can find an id: the user who was not forgotten is in the files.
        Assert.NotEmpty(FilesContaining(state, Kept));
        Assert.Empty(FilesContaining(state, Forgotten));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string[] FilesContaining(string directory, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0)];
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> Streamrec(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "streamrec.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout, await stderr);
    }
}
