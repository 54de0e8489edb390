using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using StreamRec.Pipeline.Output;

namespace StreamRec.Pipeline.Tests.Output;

public sealed class JsonLinesWriterTests : IDisposable
{
    private static readonly JsonTypeInfo<string> Text = (JsonTypeInfo<string>)JsonSerializerOptions.Default.GetTypeInfo(typeof(string));
    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-writer-").FullName;

    [Fact]
    public void ResumedWriter_AtTheStoredOffset_CutsThereAndWritesOn()
    {
        var path = Path.Combine(_directory, "out.jsonl");
        long cut;
        using (var writer = new JsonLinesWriter<string>(path, Text))
        {
            writer.Write("a");
            writer.Write("bb");
            writer.Flush();
            cut = writer.Offset;
            writer.Write("lost after the checkpoint");
        }

        // A killed process may leave half a line behind too.
        File.AppendAllText(path, "\"half");
        using (var resumed = new JsonLinesWriter<string>(path, Text, keepLines: 2, keepBytes: cut))
        {
            Assert.Equal(cut, resumed.Offset);
            resumed.Write("c");
            resumed.Flush();
            Assert.Equal(new FileInfo(path).Length, resumed.Offset);
        }

        Assert.Equal(9, cut);
        Assert.Equal("\"a\"\n\"bb\"\n\"c\"\n", File.ReadAllText(path));
    }

    [Fact]
    public void ResumedWriter_StoredOffsetInsideALineOrPastTheEnd_RefusesAndLeavesTheFileAlone()
    {
        var path = Path.Combine(_directory, "out.jsonl");
        File.WriteAllText(path, "\"a\"\n\"bb\"\n");

        var inside = Assert.Throws<InvalidDataException>(() => new JsonLinesWriter<string>(path, Text, keepLines: 1, keepBytes: 6));
        var past = Assert.Throws<InvalidDataException>(() => new JsonLinesWriter<string>(path, Text, keepLines: 3, keepBytes: 12));

        Assert.Contains(path, inside.Message, StringComparison.Ordinal);
        Assert.Contains("Refusing to cut it", inside.Message, StringComparison.Ordinal);
        Assert.Contains("byte 12 (it has 9 bytes)", past.Message, StringComparison.Ordinal);
        Assert.Equal("\"a\"\n\"bb\"\n", File.ReadAllText(path));
    }

    [Fact]
    public void ResumedWriter_WithoutAStoredOffset_CountsTheLines()
    {
        var path = Path.Combine(_directory, "out.jsonl");
        File.WriteAllText(path, "\"a\"\n\"bb\"\n\"cut\"\n");

        using (var resumed = new JsonLinesWriter<string>(path, Text, keepLines: 2))
        {
            Assert.Equal(9, resumed.Offset);
        }

        Assert.Equal("\"a\"\n\"bb\"\n", File.ReadAllText(path));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
