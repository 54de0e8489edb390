using System.CommandLine;
using StreamRec.Cli.Commands;

var root = new RootCommand("StreamRec: real-time recommendations for live-commerce rooms.")
{
    SimulateCommand.Create(),
    ReplayCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
