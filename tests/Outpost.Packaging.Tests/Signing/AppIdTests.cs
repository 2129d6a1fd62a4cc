namespace Outpost.Packaging.Tests.Signing;

public sealed class AppIdTests
{
    [Fact]
    public void FromPublicKey_KnownKey_MatchesRfc4648LowercaseWithoutPadding()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

        Assert.Equal("aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypq", AppId.FromPublicKey(key));
    }

    [Fact]
    public void FromPublicKey_AllOnes_Returns52Characters()
    {
        var id = AppId.FromPublicKey(Enumerable.Repeat((byte)0xFF, 32).ToArray());

        Assert.Equal("777777777777777777777777777777777777777777777777777q", id);
        Assert.Equal(AppId.Length, id.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void FromPublicKey_WrongLength_Throws(int length)
    {
        Assert.Throws<ArgumentException>(() => AppId.FromPublicKey(new byte[length]));
    }

    [Fact]
    public void IsValid_IdOfGeneratedKey_ReturnsTrue()
    {
        using var key = SigningKey.Generate();

        Assert.True(AppId.IsValid(key.AppId));
        Assert.Matches("^[a-z2-7]{52}$", key.AppId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dyp")]
    [InlineData("aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dypqa")]
    [InlineData("AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQTCQKRMFYYDENBWHA5DYPQ")]
    [InlineData("aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dyp1")]
    [InlineData("aaaqeayeaudaocajbifqydiob4ibceqtcqkrmfyydenbwha5dyp=")]
    [InlineData("7777777777777777777777777777777777777777777777777777")]
    public void IsValid_NotCanonicalBase32OfAKey_ReturnsFalse(string candidate)
    {
        Assert.False(AppId.IsValid(candidate));
    }
}
