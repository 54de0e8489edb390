using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Queries;

namespace StreamRec.Pipeline;

/// <summary>What watches the core from outside its steps: an observer of user events and the user queries.</summary>
public sealed record PipelineHooks(IUserEventObserver? Observer, UserQueries? Queries);
