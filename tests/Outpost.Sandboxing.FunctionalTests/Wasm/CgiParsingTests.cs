using System.Text;
using Outpost.Sandboxing.Wasm;

namespace Outpost.Sandboxing.FunctionalTests.Wasm;

/// <summary>Edge cases of reading CGI output and building CGI variables that a compiled module cannot easily produce.</summary>
public sealed class CgiParsingTests
{
    [Fact]
    public void Parse_HeadersWithoutBlankLine_IsAResponseWithEmptyBody()
    {
        var response = CgiResponseParser.Parse(Encoding.ASCII.GetBytes("Content-Type: text/plain\n"));

        Assert.Null(response.Failure);
        Assert.Equal(0, response.Body.Length);
    }

    [Fact]
    public void Parse_FramingHeadersFromTheModule_AreDropped()
    {
        var response = CgiResponseParser.Parse(Encoding.ASCII.GetBytes(
            "Content-Type: text/plain\nContent-Length: 999\nTransfer-Encoding: chunked\nConnection: close\nX-Kept: yes\n\nbody"));

        Assert.Equal(["Content-Type", "X-Kept"], response.Headers.Select(h => h.Key));
        Assert.Equal("body", Encoding.ASCII.GetString(response.Body.Span));
    }

    [Fact]
    public void Parse_HeaderWithControlOrNonAsciiBytes_IsSkipped()
    {
        var output = "Content-Type: text/plain\nX-Bad: a\u0001b\nX-Latin: caf\u00e9\nBad Name: x\n\n"u8.ToArray();

        var response = CgiResponseParser.Parse(output);

        Assert.Equal(["Content-Type"], response.Headers.Select(h => h.Key));
    }

    [Fact]
    public void Parse_BodyContainingBlankLines_IsKeptWhole()
    {
        var response = CgiResponseParser.Parse(Encoding.ASCII.GetBytes("Content-Type: text/plain\r\n\r\none\n\ntwo\r\n"));

        Assert.Equal("one\n\ntwo\r\n", Encoding.ASCII.GetString(response.Body.Span));
    }

    [Fact]
    public void Build_HeaderNamesWithUnderscores_AreDropped()
    {
        var request = new WagiRequest
        {
            Method = "GET",
            RawPath = "/",
            ServerName = "h",
            Headers = [new("X_Forwarded_For", "1.2.3.4"), new("X-Real", "yes"), new("Bad Header", "x")],
        };

        var names = CgiEnvironment.Build(request).Select(v => v.Name).ToList();

        Assert.Contains("HTTP_X_REAL", names);
        Assert.DoesNotContain("HTTP_X_FORWARDED_FOR", names);
        Assert.DoesNotContain(names, n => n.Contains(' ', StringComparison.Ordinal));
    }
}
