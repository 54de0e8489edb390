using Microsoft.Extensions.Options;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Online;
using StreamRec.Pipeline.Options;
using StreamRec.State;
using StreamRec.Web;

namespace StreamRec.Cli.Commands.Run;

/// <summary>Runs the options records' own validation at host start-up (ValidateOnStart), listing every problem.</summary>
internal sealed class OptionsValidation
    : IValidateOptions<KafkaOptions>, IValidateOptions<PipelineOptions>, IValidateOptions<HttpOptions>, IValidateOptions<OnlineEvaluationOptions>,
      IValidateOptions<RocksDbStoreOptions>
{
    /// <summary>No directory means state in memory; only a configured directory has settings to check.</summary>
    public ValidateOptionsResult Validate(string? name, RocksDbStoreOptions options) =>
        string.IsNullOrEmpty(options.Directory) ? ValidateOptionsResult.Success : Check(() => options.Validate());

    public ValidateOptionsResult Validate(string? name, HttpOptions options) => Check(() => options.Validate());

    public ValidateOptionsResult Validate(string? name, OnlineEvaluationOptions options) => Check(() => options.Validate());

    public ValidateOptionsResult Validate(string? name, KafkaOptions options) => Check(() => options.Validate());

    public ValidateOptionsResult Validate(string? name, PipelineOptions options) => Check(() => options.Validate());

    private static ValidateOptionsResult Check(Action validate)
    {
        try
        {
            validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
