using System.Diagnostics;

namespace StreamRec.Model.Tests;

/// <summary>The independent ONNX checker (python3-onnx), shared by the exporter tests.</summary>
internal static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";

    public const string MissingReason =
        "The independent ONNX checker is not installed: apt-get install python3-onnx (provides `import onnx` for /usr/bin/python3).";

    public static bool IsAvailable => File.Exists(Python) && RunPython("import onnx").ExitCode == 0;

    /// <summary>Runs <c>onnx.checker.check_model(full_check=True)</c> on the file; exit code 0 when it passes.</summary>
    /// <remarks>
    /// Checked as a loaded model, not by path: onnx 1.12's check_model(path, full_check=True) writes the inferred shapes
    /// back into the file, which changed the fixture's bytes under the tests that share it.
    /// </remarks>
    public static (int ExitCode, string Text) FullCheck(string modelPath) => RunPython(
        "import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); print('onnx', onnx.__version__, 'ok')",
        modelPath);

    private static (int ExitCode, string Text) RunPython(string code, params string[] args)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Python} did not finish within 60 s.");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr);
    }
}
