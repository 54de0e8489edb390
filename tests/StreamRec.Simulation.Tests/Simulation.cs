using System.Text;

namespace StreamRec.Simulation.Tests;

/// <summary>Runs the simulator into memory.</summary>
internal static class Simulation
{
    public static (byte[] Bytes, SimulationSummary Summary) Write(SimulationOptions options)
    {
        using var stream = new MemoryStream();
        var summary = new LiveCommerceSimulator(options).WriteJsonLines(stream, CancellationToken.None);
        return (stream.ToArray(), summary);
    }

    public static string[] Lines(byte[] bytes) => Encoding.UTF8.GetString(bytes).Split('\n')[..^1];
}
