using System.Diagnostics;
using System.Globalization;
using StreamRec.Kafka.Embedded;

namespace StreamRec.Kafka.Tests.Embedded;

/// <summary>
/// The mock cluster's thread exits on a poll error, EINTR included, so it must never receive a signal: after
/// Ctrl+Z and fg (SIGSTOP/SIGTSTP, then SIGCONT, which the .NET runtime handles) the dev broker's port stayed open
/// while every connection was reset.
/// </summary>
public sealed class EmbeddedKafkaBrokerSignalTests
{
    [SkippableFact]
    public async Task Start_MockClusterThread_HasEverySignalBlocked()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "reads thread signal masks from /proc (Linux)");
        await using var broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { Topics = new Dictionary<string, int> { ["masks"] = 1 } });

        // The mock thread names itself when it starts running, which Start does not wait for; once it has served a
        // round trip it is running and named (reading /proc at once missed it in one CI run).
        using var timeout = new CancellationTokenSource(KafkaTestClient.RoundTripTimeout);
        await KafkaTestClient.ProduceAsync(broker.BootstrapServers, "masks", [("k", "v")], timeout.Token);

        var mocks = MockThreadMasks();

        Assert.NotEmpty(mocks);
        foreach (var (tid, blocked) in mocks)
        {
            // SIGCONT is 18: bit 17 of SigBlk.
            Assert.True((blocked & (1UL << 17)) != 0, $"mock thread {tid} can receive SIGCONT (SigBlk {blocked:x16})");
            Assert.True(blocked >= 0x7ffffffffffeUL, $"mock thread {tid} leaves signals unblocked (SigBlk {blocked:x16})");
        }
    }

    [SkippableFact]
    public async Task Broker_StoppedAndContinuedRepeatedly_StillServesClients()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "sends SIGSTOP/SIGCONT to the test process (Linux)");
        await using var broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { Topics = new Dictionary<string, int> { ["signals"] = 1 } });

        // Another process stops and continues this one, as a shell's Ctrl+Z and fg do.
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        using (var shell = Process.Start("/bin/sh", ["-c", $"for i in 1 2 3 4 5 6 7 8 9 10; do kill -STOP {pid}; sleep 0.05; kill -CONT {pid}; sleep 0.05; done"]))
        {
            await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, shell.ExitCode);
        }

        using var timeout = new CancellationTokenSource(KafkaTestClient.RoundTripTimeout);
        await KafkaTestClient.ProduceAsync(broker.BootstrapServers, "signals", [("k", "after-cont")], timeout.Token);
        var received = await KafkaTestClient.ConsumeAsync(broker.BootstrapServers, "signals", 1, timeout.Token);
        Assert.Equal(["after-cont"], received.Select(r => r.Message.Value));
    }

    private static List<(string Tid, ulong Blocked)> MockThreadMasks()
    {
        var masks = new List<(string, ulong)>();
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            // Tests run in parallel, so a thread listed a moment ago may have exited (its /proc entry gone); this
            // test's own broker, and so its mock thread, stays alive throughout.
            string comm;
            string line;
            try
            {
                comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                if (comm != "rdk:mock")
                {
                    continue;
                }

                line = File.ReadLines(Path.Combine(task, "status")).Single(l => l.StartsWith("SigBlk:", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                continue;
            }

            masks.Add((Path.GetFileName(task), ulong.Parse(line["SigBlk:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }

        return masks;
    }
}
