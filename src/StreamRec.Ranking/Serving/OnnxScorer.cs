using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Model.Export;
using StreamRec.Model.Manifest;
using StreamRec.Model.Scoring;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Scoring;

namespace StreamRec.Ranking.Serving;

/// <summary>
/// The pipeline's scorer for an ONNX ranking model (see <see cref="OnnxBatchScorer"/>), swapped for a new version when
/// the model file changes on disk, without a restart.
/// </summary>
/// <remarks>
/// <para>
/// Construction fails fast when the model's manifest does not list exactly <see cref="FeatureExtractor.FeatureNames"/>
/// (<see cref="ModelManifestMismatchException"/>), or when model and manifest come from different trainings.
/// </para>
/// <para>
/// Hot swap: a change of the model or its manifest, seen by a <see cref="FileSystemWatcher"/> or by polling on the
/// injected <see cref="TimeProvider"/>, loads the new version on a background thread. A loaded model is handed over
/// and adopted at the start of the next <see cref="Score"/> call, so each call (one pipeline round, all rows of its
/// users) is scored by one model, and the old session is disposed by the thread that used it. A load that fails
/// (half-written file, wrong features, model and manifest out of step) keeps the current model and the next change is
/// tried again. A failure is logged and raises <see cref="ModelLoadFailed"/> once the files are still unchanged at the
/// next poll: a copy that stalls mid-write (a plain <c>cp</c> on a busy machine) looks corrupt while it is at rest, and
/// only a file that stays so is reported. Without polling, a failure is reported at once.
/// </para>
/// <para>
/// Thread-safety: like <see cref="OnnxBatchScorer"/>, <see cref="Score"/> is called from one thread at a time (the
/// scoring stage), and <see cref="Dispose"/> must not race with it. Reloads run concurrently with scoring. A large call
/// is scored on <see cref="OnnxScorerOptions.Lanes"/> threads at once (see <see cref="OnnxLaneScorer"/>), every row
/// exactly as one thread scores it.
/// </para>
/// </remarks>
public sealed class OnnxScorer : IScorer, IDisposable
{
    private readonly string _modelPath;
    private readonly string _manifestPath;
    private readonly OnnxBatchScorerOptions _sessionOptions;
    private readonly int _lanes;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly FileSystemWatcher? _watcher;
    private readonly SemaphoreSlim _reloads = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _handover = new();
    private readonly bool _confirmFailures;
    private OnnxLaneScorer _active;
    private OnnxLaneScorer? _pending;
    private ModelManifest _latest;
    private ModelFingerprint _attempted;
    private Exception? _unconfirmed;
    private long _unconfirmedAt;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private int _reloadScheduled;
    private bool _disposed;

    /// <summary>Loads <paramref name="modelPath"/> (and its manifest) and starts watching it.</summary>
    /// <exception cref="FileNotFoundException">The model or its manifest does not exist.</exception>
    /// <exception cref="ModelManifestMismatchException">The model was trained for other features than the pipeline's.</exception>
    /// <exception cref="InvalidDataException">The model or manifest is invalid.</exception>
    /// <exception cref="IOException">Model and manifest disagree on the model version (one is being replaced).</exception>
    public OnnxScorer(string modelPath, OnnxScorerOptions? options = null, TimeProvider? time = null, ILogger<OnnxScorer>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        options = (options ?? new OnnxScorerOptions()).Validate();
        time ??= TimeProvider.System;
        _logger = logger ?? NullLogger<OnnxScorer>.Instance;
        _modelPath = Path.GetFullPath(modelPath);
        _manifestPath = ModelManifest.PathForModel(_modelPath);
        _sessionOptions = new OnnxBatchScorerOptions { IntraOpNumThreads = options.IntraOpNumThreads };
        _lanes = options.Lanes;
        _confirmFailures = options.PollInterval != Timeout.InfiniteTimeSpan;
        _time = time;
        _pollInterval = options.PollInterval;

        _attempted = ModelFingerprint.Of(_modelPath, _manifestPath);
        _active = Load();
        _latest = _active.Manifest;
        RankingLog.ModelLoaded(_logger, _modelPath, _latest.ModelVersion);

        _timer = time.CreateTimer(_ => ScheduleReload(), null, options.PollInterval, options.PollInterval);
        if (options.WatchFileSystem)
        {
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(_modelPath)!)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            _watcher.Changed += OnFileEvent;
            _watcher.Created += OnFileEvent;
            _watcher.Renamed += OnFileEvent;
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <summary>Raised on a background thread when a new model has been loaded; <see cref="Score"/> calls from then on use it.</summary>
    public event EventHandler<ModelSwappedEventArgs>? ModelSwapped;

    /// <summary>Raised on a background thread when a changed model could not be loaded and the old one stays.</summary>
    public event EventHandler<ModelLoadFailedEventArgs>? ModelLoadFailed;

    public string Name => "model";

    public IReadOnlyList<string> FeatureNames => FeatureExtractor.FeatureNames;

    /// <summary>The manifest of the newest loaded model: the one the next <see cref="Score"/> call uses.</summary>
    public ModelManifest Manifest => Volatile.Read(ref _latest);

    /// <summary>The model file being served.</summary>
    public string ModelPath => _modelPath;

    public void Score(ReadOnlySpan<float> features, int rows, Span<float> scores)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Adopt a newly loaded model only here, between rounds: one call never mixes two models.
        if (Interlocked.Exchange(ref _pending, null) is { } next)
        {
            _active.Dispose();
            _active = next;
        }

        _active.Score(features, rows, scores);
    }

    public void Dispose()
    {
        lock (_handover)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stopping.Cancel();
        _timer.Dispose();
        _watcher?.Dispose();
        Interlocked.Exchange(ref _pending, null)?.Dispose();
        _active.Dispose();
        _stopping.Dispose();
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        var path = e.FullPath;
        if (path == _modelPath || path == _manifestPath || (e is RenamedEventArgs r && (r.OldFullPath == _modelPath || r.OldFullPath == _manifestPath)))
        {
            ScheduleReload();
        }
    }

    /// <summary>Starts one background reload pass unless one is already waiting to start.</summary>
    private void ScheduleReload()
    {
        if (Interlocked.CompareExchange(ref _reloadScheduled, 1, 0) == 0)
        {
            _ = Task.Run(ReloadAsync);
        }
    }

    private async Task ReloadAsync()
    {
        try
        {
            await _reloads.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        try
        {
            // Cleared before looking, so a change during this pass schedules another one.
            Volatile.Write(ref _reloadScheduled, 0);
            var fingerprint = ModelFingerprint.Of(_modelPath, _manifestPath);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            if (fingerprint == _attempted)
            {
                // Unchanged since a failed attempt: not a copy in progress, a bad file.
                // A file event right after the failed attempt is no proof: only a whole poll interval at rest is.
                if (_unconfirmed is { } failure && _time.GetElapsedTime(_unconfirmedAt) >= _pollInterval)
                {
                    _unconfirmed = null;
                    ReportFailure(failure);
                }

                return;
            }

            _attempted = fingerprint;
            _unconfirmed = null;
            Swap();
        }
        finally
        {
            _reloads.Release();
        }
    }

    private void Swap()
    {
        OnnxLaneScorer next;
        try
        {
            next = Load();
        }
#pragma warning disable CA1031 // Whatever made the new files unloadable, serving goes on with the old model.
        catch (ModelFilesOutOfStepException ex)
        {
            // Expected in the middle of a replacement; the other file's change triggers the next attempt.
            RankingLog.ModelFilesOutOfStep(_logger, _modelPath, ex.Message);
            return;
        }
        catch (Exception ex) when (ModelFingerprint.Of(_modelPath, _manifestPath) != _attempted)
        {
            // The files changed while they were read (a copy still being written): not a failure yet; the change
            // schedules the next attempt.
            RankingLog.ModelFilesOutOfStep(_logger, _modelPath, ex.Message);
            return;
        }
        catch (Exception ex) when (_confirmFailures)
        {
            RankingLog.ModelLoadUnconfirmed(_logger, _modelPath, ex.Message);
            _unconfirmed = ex;
            _unconfirmedAt = _time.GetTimestamp();
            return;
        }
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ReportFailure(ex);
            return;
        }

        ModelManifest previous;
        lock (_handover)
        {
            if (_disposed)
            {
                next.Dispose();
                return;
            }

            previous = _latest;
            Volatile.Write(ref _latest, next.Manifest);

            // A model loaded but never adopted (two changes between rounds) is dropped unused.
            Interlocked.Exchange(ref _pending, next)?.Dispose();
        }

        RankingLog.ModelSwapped(_logger, _modelPath, next.Manifest.ModelVersion, previous.ModelVersion);
        ModelSwapped?.Invoke(this, new ModelSwappedEventArgs(previous, next.Manifest));
    }

    private void ReportFailure(Exception error)
    {
        RankingLog.ModelLoadFailed(_logger, error, _modelPath, Manifest.ModelVersion);
        ModelLoadFailed?.Invoke(this, new ModelLoadFailedEventArgs(error));
    }

    private OnnxLaneScorer Load()
    {
        OnnxLaneScorer scorer;
        try
        {
            scorer = new OnnxLaneScorer(_modelPath, FeatureExtractor.FeatureNames, _lanes, _sessionOptions);
        }
        catch (ModelManifestMismatchException ex)
        {
            throw new ModelManifestMismatchException(
                $"Model '{_modelPath}' was trained for other features than this pipeline extracts " +
                $"[{string.Join(", ", FeatureExtractor.FeatureNames)}]: {ex.Message} Retrain it on a log with 'streamrec train'.",
                ex);
        }

        try
        {
            // The exporter stamps the version into the model too: a mismatch means the two files come from different
            // trainings, typically because one of them is still being replaced.
            if (scorer.Metadata.TryGetValue(OnnxRankerExporter.ModelVersionMetadataKey, out var embedded)
                && embedded != scorer.Manifest.ModelVersion)
            {
                throw new ModelFilesOutOfStepException(
                    $"Model '{_modelPath}' is version '{embedded}' but its manifest describes version '{scorer.Manifest.ModelVersion}'; " +
                    "replace both files together.");
            }

            return scorer;
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }
}
