using Microsoft.Extensions.Configuration;
using StreamRec.Pipeline.Options;

namespace StreamRec.Cli.Commands;

/// <summary>
/// Pipeline settings for the offline commands, read the way <c>run</c> reads them: the <c>Pipeline</c> section
/// of a settings file, then <c>STREAMREC_Pipeline__*</c> environment variables. So a replay can be run with
/// exactly the configuration of a service.
/// </summary>
internal static class PipelineSettings
{
    public static PipelineOptions Read(FileInfo? file)
    {
        var builder = new ConfigurationBuilder();
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new IOException($"Settings file '{file.FullName}' does not exist.");
            }

            builder.AddJsonFile(file.FullName, optional: false);
        }

        builder.AddEnvironmentVariables("STREAMREC_");
        var options = new PipelineOptions();
        builder.Build().GetSection("Pipeline").Bind(options);
        return options;
    }
}
