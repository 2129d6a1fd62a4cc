using System.Text;

namespace Outpost.Shell.EndToEndTests.Accounts;

/// <summary>The tests' own authenticator against the published test vectors, so a 2FA failure points at Outpost.</summary>
public sealed class TotpTests
{
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Code_Rfc6238Sha1Vectors_Match(long unixSeconds, string expected)
    {
        var key = Encoding.ASCII.GetBytes("12345678901234567890");

        Assert.Equal(expected, Totp.Code(key, unixSeconds / 30, digits: 8));
    }

    [Fact]
    public void Code_Base32KeyWithSpacesAndLowercase_MatchesRawKey()
    {
        // "12345678901234567890" in base32, written the way Outpost shows keys: lowercase groups of four.
        const string Shown = "gezd gnbv gy3t qojq gezd gnbv gy3t qojq";
        var at = DateTimeOffset.FromUnixTimeSeconds(59);

        Assert.Equal("287082", Totp.Code(Shown, at));
    }
}
