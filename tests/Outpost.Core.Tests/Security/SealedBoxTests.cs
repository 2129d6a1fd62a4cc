using System.Security.Cryptography;
using Outpost.Core.Security;

namespace Outpost.Core.Tests.Security;

public sealed class SealedBoxTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(SealedBox.KeySize);

    [Fact]
    public void Open_WhatWasSealed_ReturnsIt()
    {
        var sealedValue = SealedBox.Seal(Key, "a secret"u8, "purpose");

        Assert.Equal("a secret"u8.ToArray(), SealedBox.Open(Key, sealedValue, "purpose"));
        Assert.Equal(-1, sealedValue.AsSpan().IndexOf("a secret"u8));
    }

    [Fact]
    public void Seal_TheSameValueTwice_GivesDifferentBytes()
    {
        Assert.NotEqual(SealedBox.Seal(Key, "same"u8, "p"), SealedBox.Seal(Key, "same"u8, "p"));
    }

    [Fact]
    public void Open_WithAnotherKeyOrContext_Throws()
    {
        var sealedValue = SealedBox.Seal(Key, "a secret"u8, "grain a");

        Assert.Throws<SealedBoxException>(() => SealedBox.Open(RandomNumberGenerator.GetBytes(SealedBox.KeySize), sealedValue, "grain a"));
        Assert.Throws<SealedBoxException>(() => SealedBox.Open(Key, sealedValue, "grain b"));
    }

    [Fact]
    public void Open_AnyFlippedBit_Throws()
    {
        var sealedValue = SealedBox.Seal(Key, "a secret"u8, "p");
        for (var i = 0; i < sealedValue.Length * 8; i++)
        {
            var damaged = (byte[])sealedValue.Clone();
            damaged[i / 8] ^= (byte)(1 << (i % 8));
            Assert.Throws<SealedBoxException>(() => SealedBox.Open(Key, damaged, "p"));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(28)]
    public void Open_Truncated_Throws(int length)
    {
        var sealedValue = SealedBox.Seal(Key, ReadOnlySpan<byte>.Empty, "p");

        var error = Assert.Throws<SealedBoxException>(() => SealedBox.Open(Key, sealedValue.AsSpan(0, Math.Min(length, sealedValue.Length - 1)), "p"));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }
}
