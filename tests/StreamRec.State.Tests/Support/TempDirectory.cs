namespace StreamRec.State.Tests.Support;

/// <summary>A private folder under the temp path, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "streamrec-state-tests-" + Guid.NewGuid().ToString("N"));

    public RocksDbStoreOptions Options => new() { Directory = Path };

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
