using System.IO.Compression;
using System.Text;
using StreamRec.Pipeline.Input;

namespace StreamRec.Pipeline.Tests.Input;

public sealed class JsonLinesReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-reader-").FullName;

    [Fact]
    public void ReadBatch_CrlfBlankAndUnterminatedLines_KeepsEveryLineWithItsNumber()
    {
        var path = Write("a.jsonl", "{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":3}");

        using var reader = new JsonLinesReader(path, 1024);
        var batch = reader.ReadBatch(100)!;

        Assert.Equal(4, batch.Count);
        Assert.Equal(["{\"a\":1}", "", "{\"b\":2}", "{\"c\":3}"], Enumerable.Range(0, 4).Select(i => Encoding.UTF8.GetString(batch.Record(i))));
        Assert.Equal(["a.jsonl:1", "a.jsonl:2", "a.jsonl:3", "a.jsonl:4"], Enumerable.Range(0, 4).Select(i => batch.Origin(i).ToString()));
        Assert.Null(reader.ReadBatch(100));
    }

    [Fact]
    public void ReadBatch_LineLongerThanTheLimit_KeepsATruncatedPrefixAndItsTrueLength()
    {
        var path = Write("long.jsonl", new string('x', 3_000_000) + "\n{\"ok\":1}\n");

        using var reader = new JsonLinesReader(path, 100);
        var batch = reader.ReadBatch(100)!;

        Assert.Equal(2, batch.Count);
        Assert.True(batch.IsTruncated(0));
        Assert.Equal(3_000_000, batch.OriginalLength(0));
        Assert.Equal(101, batch.Record(0).Length);
        Assert.Equal("{\"ok\":1}", Encoding.UTF8.GetString(batch.Record(1)));
    }

    [Fact]
    public void ReadBatch_ManyOversizedLines_CutsBatchesBySizeNotOnlyByCount()
    {
        var line = new string('y', 70_000);
        var path = Write("big.jsonl", string.Concat(Enumerable.Repeat(line + "\n", 200)));

        using var reader = new JsonLinesReader(path, 64 * 1024);
        var sizes = new List<int>();
        while (reader.ReadBatch(4096) is { } batch)
        {
            sizes.Add(batch.BufferedBytes);
        }

        Assert.True(sizes.Count > 1, "one batch held every oversized line");
        Assert.All(sizes, size => Assert.True(size <= (4 << 20) + (64 * 1024) + 1, $"batch of {size} bytes"));
    }

    [Fact]
    public void ReadBatch_GzipFile_ReadsTheDecompressedLines()
    {
        var path = Path.Combine(_directory, "z.jsonl.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gzip.Write("{\"z\":1}\n{\"z\":2}\n"u8);
        }

        using var reader = new JsonLinesReader(path, 1024);
        var batch = reader.ReadBatch(100)!;

        Assert.Equal(2, batch.Count);
        Assert.Equal("{\"z\":2}", Encoding.UTF8.GetString(batch.Record(1)));
    }

    [Fact]
    public void Resume_AtTheByteOffsetOfABatchEnd_ReadsOnExactlyAsTheFirstReaderDid()
    {
        // Lines of many lengths, some CRLF, ~3 MB: batch ends fall inside the reader's 1 MB chunks.
        var lines = Enumerable.Range(1, 30_000).Select(i => $"{{\"i\":{i},\"pad\":\"{new string('p', i % 97)}\"}}" + (i % 5 == 0 ? "\r\n" : "\n"));
        var path = Write("resume.jsonl", string.Concat(lines));
        using var first = new JsonLinesReader(path, 1024);
        RecordOrigin at = default;
        while (first.ReadBatch(777) is { } batch && batch.Count > 0)
        {
            at = batch.Checkpoint!.Positions[0];
            if (first.Position > 2_000_000)
            {
                break;
            }
        }

        var expected = Rest(first);
        using var resumed = new JsonLinesReader(path, 1024);
        Assert.True(resumed.Resume(at));

        var bytes = File.ReadAllBytes(path);
        Assert.True(at.Position > 10_000);
        Assert.Equal(at.Position, bytes.AsSpan(0, (int)at.ByteOffset).Count((byte)'\n'));
        Assert.Equal((byte)'\n', bytes[at.ByteOffset - 1]);
        Assert.Equal(expected, Rest(resumed));
        Assert.Equal(30_000 - at.Position, expected.Count);
    }

    [Fact]
    public void Resume_OffsetInsideALineOrPastTheEnd_ThrowsNamingTheFile()
    {
        var path = Write("short.jsonl", "{\"a\":1}\n{\"b\":2}\n");
        using var reader = new JsonLinesReader(path, 1024);

        var inside = Assert.Throws<InvalidDataException>(() => reader.Resume(RecordOrigin.FileLine("short.jsonl", 1, 5)));
        var past = Assert.Throws<InvalidDataException>(() => reader.Resume(RecordOrigin.FileLine("short.jsonl", 3, 100)));

        Assert.Contains(path, inside.Message, StringComparison.Ordinal);
        Assert.Contains("byte 100", past.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_GzipFileWithoutAnOffset_ReadsPastTheLines()
    {
        var path = Path.Combine(_directory, "r.jsonl.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gz.Write(Encoding.UTF8.GetBytes("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"));
        }

        using var first = new JsonLinesReader(path, 1024);
        var at = first.ReadBatch(2)!.Checkpoint!.Positions[0];
        using var resumed = new JsonLinesReader(path, 1024);

        Assert.Equal(-1, at.ByteOffset);
        Assert.True(resumed.Resume(at));
        Assert.Equal(["{\"c\":3}@r.jsonl.gz:3"], Rest(resumed));
    }

    private static List<string> Rest(JsonLinesReader reader)
    {
        var rest = new List<string>();
        while (reader.ReadBatch(1000) is { } batch)
        {
            rest.AddRange(Enumerable.Range(0, batch.Count).Select(i => $"{Encoding.UTF8.GetString(batch.Record(i))}@{batch.Origin(i)}"));
        }

        return rest;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
