using System.CommandLine;
using Microsoft.Extensions.Logging;
using StreamRec.Pipeline.Scoring;
using StreamRec.Ranking.Serving;

namespace StreamRec.Cli.Commands;

/// <summary>
/// The <c>--scorer</c> and <c>--model</c> options of the commands that run the pipeline (<c>replay</c>, <c>run</c>):
/// the shipped ranking model unless told otherwise.
/// </summary>
internal sealed class ScorerOptions
{
    public const string Baseline = "baseline";
    public const string Model = "model";

    /// <summary>The model shipped next to the executable (copied from the repository's <c>models/</c> at build time).</summary>
    public static string DefaultModelPath => Path.Combine(AppContext.BaseDirectory, "models", "ranker.onnx");

    public Option<string> Scorer { get; } = new Option<string>("--scorer")
    {
        Description = "How candidates are scored: 'model' (the ONNX ranking model) or 'baseline' (the linear baseline).",
        DefaultValueFactory = _ => Model,
    }.AcceptOnlyFromAmong(Model, Baseline);

    public Option<FileInfo?> ModelFile { get; } = new("--model")
    {
        Description = "ONNX ranking model, with its .manifest.json next to it; reloaded when it changes. Default: the model shipped with streamrec.",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Scorer);
        command.Options.Add(ModelFile);
    }

    /// <summary>Creates the chosen scorer; the caller disposes it when it is <see cref="IDisposable"/>.</summary>
    /// <exception cref="ArgumentException">The options contradict each other.</exception>
    /// <exception cref="FileNotFoundException">The model (or its manifest) is missing.</exception>
    /// <exception cref="InvalidOperationException">The model was trained for other features (<see cref="Model.Manifest.ModelManifestMismatchException"/>).</exception>
    /// <exception cref="InvalidDataException">The model or its manifest is unreadable.</exception>
    public IScorer Create(ParseResult result, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(loggers);
        var model = result.GetValue(ModelFile);
        if (result.GetValue(Scorer) == Baseline)
        {
            return model is null ? new BaselineScorer() : throw new ArgumentException("--model applies to --scorer model only.");
        }

        var path = model?.FullName ?? DefaultModelPath;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Ranking model '{path}' does not exist; pass --model FILE, train one with 'streamrec train', or use --scorer baseline.", path);
        }

        // STREAMREC_Scorer__* (for example Lanes), read as the pipeline's settings are.
        return new OnnxScorer(path, PipelineSettings.Read("Scorer", new OnnxScorerOptions()), TimeProvider.System, loggers.CreateLogger<OnnxScorer>());
    }
}
