using System.Text;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;

namespace Outpost.Sandboxing.FunctionalTests.Units;

public sealed class BoundedLogTests
{
    private readonly string _path = Path.Combine(TestDirectories.NewTestDirectory(), "logs", "grain.log");

    [Fact]
    public void Append_PastLimit_RotatesToOnePredecessor()
    {
        var log = new BoundedLog(_path, maxBytes: 100);

        for (var i = 0; i < 50; i++)
        {
            log.AppendLine($"line {i:D3} padding");
        }

        Assert.InRange(new FileInfo(_path).Length, 1, 100);
        Assert.InRange(new FileInfo(_path + ".1").Length, 1, 100);
        Assert.False(File.Exists(_path + ".2"));
        Assert.EndsWith("line 049 padding\n", BoundedLog.ReadAll(_path), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAll_AfterRotation_ReturnsPredecessorThenCurrent()
    {
        var log = new BoundedLog(_path, maxBytes: 10);

        log.AppendLine("first");
        log.AppendLine("second");

        Assert.Equal("first\nsecond\n", BoundedLog.ReadAll(_path));
    }

    [Fact]
    public void Append_ChunkLargerThanLimit_KeepsItsNewestBytes()
    {
        var log = new BoundedLog(_path, maxBytes: 4);

        log.Append("abcdefgh"u8);

        Assert.Equal("efgh", BoundedLog.ReadAll(_path));
    }

    [Fact]
    public void AppendLine_AfterUnfinishedOutput_StartsOnANewLine()
    {
        var log = new BoundedLog(_path, maxBytes: 1000);

        log.Append("partial"u8);
        log.AppendLine("[outpost] app exited with code 1");

        Assert.Equal("partial\n[outpost] app exited with code 1\n", BoundedLog.ReadAll(_path));
    }

    [Fact]
    public void AppendLine_NewInstanceOnExistingLog_ContinuesIt()
    {
        new BoundedLog(_path, maxBytes: 1000).Append("no newline"u8);

        new BoundedLog(_path, maxBytes: 1000).AppendLine("next");

        Assert.Equal("no newline\nnext\n", BoundedLog.ReadAll(_path));
    }

    [Fact]
    public async Task Append_FromManyThreads_KeepsEveryLineWhole()
    {
        var log = new BoundedLog(_path, maxBytes: 1024 * 1024);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 200; i++)
            {
                log.Append(Encoding.UTF8.GetBytes($"thread {t} line {i}\n"));
            }
        })));

        var lines = BoundedLog.ReadAll(_path).TrimEnd('\n').Split('\n');
        Assert.Equal(1600, lines.Length);
        Assert.All(lines, line => Assert.Matches("^thread [0-7] line [0-9]+$", line));
    }

    [Fact]
    public void ReadAll_MissingLog_ReturnsEmpty()
    {
        Assert.Equal(string.Empty, BoundedLog.ReadAll(_path));
    }
}
