using System.Security.Cryptography;
using System.Text;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;

namespace Outpost.Sandboxing.FunctionalTests.Units;

/// <summary>A grain log with a key: nothing readable on disk, everything readable with the key, damage contained.</summary>
public sealed class EncryptedLogTests
{
    private readonly string _path = Path.Combine(TestDirectories.NewTestDirectory(), "logs", "grain.log");
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Append_WithKey_WritesNoPlaintext_AndReadsBackWithTheKey()
    {
        var log = new BoundedLog(_path, maxBytes: 1000, _key);

        log.Append("partial"u8);
        log.AppendLine("[outpost] a secret line");

        Assert.Equal("partial\n[outpost] a secret line\n", BoundedLog.ReadAll(_path, _key));
        Assert.Equal(-1, File.ReadAllBytes(_path).AsSpan().IndexOf("secret"u8));
    }

    [Fact]
    public void Append_PastLimit_RotatesAndStaysReadable()
    {
        var log = new BoundedLog(_path, maxBytes: 300, _key);

        for (var i = 0; i < 40; i++)
        {
            log.AppendLine($"line {i:000}");
        }

        var text = BoundedLog.ReadAll(_path, _key);
        Assert.EndsWith("line 039\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("line 000", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[outpost]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Reopen_AfterAnUnfinishedLine_StartsANewLine()
    {
        new BoundedLog(_path, maxBytes: 1000, _key).Append("no newline"u8);

        new BoundedLog(_path, maxBytes: 1000, _key).AppendLine("next");

        Assert.Equal("no newline\nnext\n", BoundedLog.ReadAll(_path, _key));
    }

    [Fact]
    public void ReadAll_WithAnotherKey_SaysItCannotBeRead()
    {
        new BoundedLog(_path, maxBytes: 1000, _key).AppendLine("secret");

        var text = BoundedLog.ReadAll(_path, RandomNumberGenerator.GetBytes(32));

        Assert.Contains("cannot be read", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAll_DamagedRecord_KeepsTheRecordsBeforeIt()
    {
        var log = new BoundedLog(_path, maxBytes: 1000, _key);
        log.AppendLine("first");
        var intact = new FileInfo(_path).Length;
        log.AppendLine("second");
        var bytes = File.ReadAllBytes(_path);
        bytes[intact + 10] ^= 0xff;
        File.WriteAllBytes(_path, bytes);

        var text = BoundedLog.ReadAll(_path, _key);

        Assert.StartsWith("first\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("second", text, StringComparison.Ordinal);
        Assert.Contains("cannot be read", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0x7f })] // a length of 2 GiB
    [InlineData(new byte[] { 0xfe, 0xff, 0xff, 0xff })] // a negative length
    [InlineData(new byte[] { 0x40, 0x00, 0x00, 0x00, 0x01 })] // a record cut short
    [InlineData(new byte[] { 0x01 })] // a length cut short
    public void ReadAll_HostileTail_EndsWithANoteAndNoHugeAllocation(byte[] tail)
    {
        new BoundedLog(_path, maxBytes: 100_000, _key).AppendLine("before");
        using (var stream = new FileStream(_path, FileMode.Append))
        {
            stream.Write(tail);
        }

        var text = BoundedLog.ReadAll(_path, _key);

        Assert.StartsWith("before\n", text, StringComparison.Ordinal);
        Assert.Contains("[outpost]", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_PlaintextLogFromBeforeEncryption_IsReplaced()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, "old plaintext secret\n");
        File.WriteAllText(_path + ".1", "older plaintext secret\n");

        new BoundedLog(_path, maxBytes: 1000, _key).AppendLine("new");

        Assert.Equal("new\n", BoundedLog.ReadAll(_path, _key));
        Assert.False(File.Exists(_path + ".1"));
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(File.ReadAllBytes(_path)), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAll_NotAnEncryptedLog_SaysSo()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        File.WriteAllText(_path, "just text\n");

        Assert.Contains("not an Outpost encrypted log", BoundedLog.ReadAll(_path, _key), StringComparison.Ordinal);
    }
}
