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
    public static PipelineOptions Read(FileInfo? file) => Read("Pipeline", new PipelineOptions(), file);

    /// <summary>
    /// Binds one section onto <paramref name="options"/> (defaults where nothing is set): the settings file's, then the
    /// <c>STREAMREC_{section}__*</c> environment variables. Also how the model scorer's <c>Scorer</c> section is read.
    /// </summary>
    public static T Read<T>(string section, T options, FileInfo? file = null)
        where T : class
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
        builder.Build().GetSection(section).Bind(options);
        return options;
    }
}
