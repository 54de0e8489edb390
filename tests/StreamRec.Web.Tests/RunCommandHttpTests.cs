using System.Diagnostics;

namespace StreamRec.Web.Tests;

public sealed class RunCommandHttpTests
{
    [Fact]
    public async Task Run_InvalidHttpAndEvaluationSettings_ExitsListingEachProblem()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "streamrec.dll"));
        foreach (var arg in new[] { "run", "--bootstrap-servers", "127.0.0.1:1", "--scorer", "baseline" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["STREAMREC_Http__Port"] = "70000";
        start.Environment["STREAMREC_OnlineEvaluation__SampleRate"] = "2";
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Http:Port must be in [0, 65535], got 70000.", stderr, StringComparison.Ordinal);
        Assert.Contains("OnlineEvaluation:SampleRate must be in (0, 1], got 2.", stderr, StringComparison.Ordinal);
    }
}
