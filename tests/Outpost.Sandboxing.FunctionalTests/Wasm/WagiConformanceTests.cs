using System.Text;
using Outpost.Sandboxing.Wasm;
using static Outpost.Sandboxing.FunctionalTests.Wasm.WasmTestEnvironment;

namespace Outpost.Sandboxing.FunctionalTests.Wasm;

/// <summary>The WAGI contract, checked against the probe module compiled from C.</summary>
public sealed class WagiConformanceTests
{
    private static readonly WagiLimits Limits = new();

    [Fact]
    public async Task Invoke_Get_ReturnsBodyWithStatus200()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/hello"), Limits);

        Assert.Null(response.Failure);
        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain; charset=utf-8", Header(response, "Content-Type"));
        Assert.Equal("hello from wasm\n", Text(response));
    }

    [Fact]
    public async Task Invoke_Request_SetsCgiVariables()
    {
        var probe = await ProbeAsync();
        var request = Get("/env/a%20b%2Fc", "x=1&y=two") with
        {
            Method = "POST",
            Headers = [new("Host", "abc.localhost:6080"), new("Content-Type", "text/plain")],
            Body = "hi"u8.ToArray(),
            Scheme = "https",
        };

        var env = Variables(probe.Invoke(request, Limits));

        Assert.Equal("POST", env["REQUEST_METHOD"]);
        Assert.Equal("/env/a b/c", env["PATH_INFO"]);
        Assert.Equal("/env/a%20b%2Fc", env["X_RAW_PATH_INFO"]);
        Assert.Equal("x=1&y=two", env["QUERY_STRING"]);
        Assert.Equal("https://abc.localhost:6080/env/a%20b%2Fc?x=1&y=two", env["X_FULL_URL"]);
        Assert.Equal("abc.localhost", env["SERVER_NAME"]);
        Assert.Equal("6080", env["SERVER_PORT"]);
        Assert.Equal("HTTP/1.1", env["SERVER_PROTOCOL"]);
        Assert.Equal("CGI/1.1", env["GATEWAY_INTERFACE"]);
        Assert.Equal("2", env["CONTENT_LENGTH"]);
        Assert.Equal("text/plain", env["CONTENT_TYPE"]);
        Assert.Equal("127.0.0.1", env["REMOTE_ADDR"]);
        Assert.Equal("abc.localhost:6080", env["HTTP_HOST"]);
    }

    [Fact]
    public async Task Invoke_Headers_BecomeHttpVariablesExceptCredentialsAndConnection()
    {
        var probe = await ProbeAsync();
        var request = Get("/env") with
        {
            Headers =
            [
                new("Accept", "text/html"), new("X-Custom-Thing", "one"), new("x-custom-thing", "two"),
                new("Authorization", "Bearer secret"), new("Proxy-Authorization", "Basic x"), new("Connection", "keep-alive"),
            ],
        };

        var env = Variables(probe.Invoke(request, Limits));

        Assert.Equal("text/html", env["HTTP_ACCEPT"]);
        Assert.Equal("one, two", env["HTTP_X_CUSTOM_THING"]);
        Assert.DoesNotContain("HTTP_AUTHORIZATION", env.Keys);
        Assert.DoesNotContain("HTTP_PROXY_AUTHORIZATION", env.Keys);
        Assert.DoesNotContain("HTTP_CONNECTION", env.Keys);
    }

    [Fact]
    public async Task Invoke_ClientSentOutpostHeaders_NeverReachModule()
    {
        var probe = await ProbeAsync();
        var request = Get("/env") with
        {
            Headers =
            [
                new("X-Outpost-User-Id", "forged"), new("X_Outpost_User_Id", "forged"), new("x-outpost-permissions", "admin"),
                new("OUTPOST_USER_ID", "forged"),
            ],
            Identity = Bob,
        };

        var response = probe.Invoke(request, Limits);
        var output = Text(response);
        var env = Variables(response);

        Assert.DoesNotContain("forged", output, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP_X_OUTPOST_", output, StringComparison.Ordinal);
        Assert.Equal("bob-id", env["OUTPOST_USER_ID"]);
        Assert.Equal("write", env["OUTPOST_PERMISSIONS"]);
    }

    [Fact]
    public async Task Invoke_Identity_SetsOutpostVariables()
    {
        var probe = await ProbeAsync();

        var withUser = Variables(probe.Invoke(Get("/env") with { Identity = Alice }, Limits));
        var anonymous = Variables(probe.Invoke(Get("/env"), Limits));

        Assert.Equal("alice-id", withUser["OUTPOST_USER_ID"]);
        Assert.Equal("Alice Ünïcode", withUser["OUTPOST_USER_NAME"]);
        Assert.Equal("write", withUser["OUTPOST_PERMISSIONS"]);
        Assert.Equal("s1", withUser["OUTPOST_SESSION_ID"]);
        Assert.Equal("", anonymous["OUTPOST_USER_ID"]);
        Assert.Equal("", anonymous["OUTPOST_SESSION_ID"]);
    }

    [Fact]
    public async Task Invoke_ManifestArgsAndEnv_ReachModuleWithQueryWordsAfterThem()
    {
        var probe = await ProbeAsync();
        var request = Get("/env", "greet=matt&x%20y") with
        {
            Args = ["--flag"],
            Env = new Dictionary<string, string> { ["APP_MODE"] = "test", ["REQUEST_METHOD"] = "FORGED" },
        };

        var env = Variables(probe.Invoke(request, Limits));

        Assert.Equal("probe.wasm", env["ARG0"]);
        Assert.Equal("--flag", env["ARG1"]);
        Assert.Equal("greet=matt", env["ARG2"]);
        Assert.Equal("x y", env["ARG3"]);
        Assert.Equal("test", env["APP_MODE"]);
        Assert.Equal("GET", env["REQUEST_METHOD"]);
    }

    [Fact]
    public async Task Invoke_BinaryBody_ArrivesOnStdinByteForByte()
    {
        var probe = await ProbeAsync();
        var body = new byte[1 << 20];
        new Random(5).NextBytes(body);

        var response = probe.Invoke(Get("/echo") with { Method = "PUT", Body = body }, Limits);

        Assert.Null(response.Failure);
        Assert.Equal("PUT", Header(response, "X-Request-Method"));
        Assert.True(body.AsSpan().SequenceEqual(response.Body.Span));
    }

    [Fact]
    public async Task Invoke_BinaryResponse_IsReturnedByteForByte()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/binary"), Limits);

        var expected = Enumerable.Range(0, 1024).Select(i => (byte)i).ToArray();
        Assert.Equal(expected, response.Body.ToArray());
    }

    [Theory]
    [InlineData("", 418)]
    [InlineData("code=404", 404)]
    [InlineData("code=201", 201)]
    public async Task Invoke_StatusHeader_SetsStatusCode(string query, int status)
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/status", query), Limits);

        Assert.Null(response.Failure);
        Assert.Equal(status, response.Status);
        Assert.Equal("status body\n", Text(response));
        Assert.DoesNotContain(response.Headers, h => h.Key.Equals("Status", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Invoke_LocationWithoutStatus_Redirects302()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/redirect"), Limits);

        Assert.Null(response.Failure);
        Assert.Equal(302, response.Status);
        Assert.Equal("/target", Header(response, "Location"));
    }

    [Fact]
    public async Task Invoke_LocationWithStatus_KeepsStatus()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/redirect-permanent"), Limits);

        Assert.Equal(301, response.Status);
        Assert.Equal("https://example.org/", Header(response, "Location"));
    }

    [Fact]
    public async Task Invoke_CrlfAndRepeatedHeaders_AreKeptInOrder()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/headers"), Limits);

        Assert.Equal(["a=1", "b=2"], response.Headers.Where(h => h.Key == "Set-Cookie").Select(h => h.Value));
        Assert.Equal("padded value", Header(response, "X-Custom"));
        Assert.Equal("body", Text(response));
    }

    [Theory]
    [InlineData("/no-content-type", "neither a Content-Type nor a Location")]
    [InlineData("/no-output", "wrote no response")]
    [InlineData("/bad-status", "invalid Status header 'abc'")]
    public async Task Invoke_InvalidOutput_Returns500WithClearMessage(string path, string message)
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get(path), Limits);

        Assert.Equal(500, response.Status);
        Assert.Equal(WagiFailureKind.InvalidResponse, response.Failure?.Kind);
        Assert.Contains(message, response.Failure!.Message, StringComparison.Ordinal);
        Assert.Contains(message, Text(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_Stderr_IsCapturedApartFromTheResponse()
    {
        var probe = await ProbeAsync();

        var response = probe.Invoke(Get("/stderr"), Limits);

        Assert.Equal("hello from wasm\n", Text(response));
        Assert.Equal("something went sideways\n", Encoding.UTF8.GetString(response.Stderr.Span));
    }
}
