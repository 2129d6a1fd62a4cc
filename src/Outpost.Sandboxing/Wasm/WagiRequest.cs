namespace Outpost.Sandboxing.Wasm;

/// <summary>One HTTP request for a WAGI module, already read from the client (see docs/wasm-apps.md).</summary>
public sealed record WagiRequest
{
    /// <summary>HTTP method, e.g. <c>GET</c>.</summary>
    public required string Method { get; init; }

    /// <summary>
    /// The path as the client sent it, still percent-encoded and without the query, e.g. <c>/a%20b</c>. It becomes
    /// <c>X_RAW_PATH_INFO</c>; its decoded form becomes <c>PATH_INFO</c>.
    /// </summary>
    public required string RawPath { get; init; }

    /// <summary>The query without <c>?</c>, still percent-encoded; empty when there is none.</summary>
    public string QueryString { get; init; } = "";

    /// <summary>
    /// Request headers, one entry per value or per name with values joined by commas. <c>Authorization</c>,
    /// <c>Connection</c> and every name that would map to <c>HTTP_X_OUTPOST_*</c> are never passed on.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The request body, given to the module on stdin.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary><c>http</c> or <c>https</c>, as the client used it.</summary>
    public string Scheme { get; init; } = "http";

    /// <summary>The host the client asked for, without the port (<c>SERVER_NAME</c>).</summary>
    public required string ServerName { get; init; }

    /// <summary>The port the client connected to (<c>SERVER_PORT</c>).</summary>
    public int ServerPort { get; init; } = 80;

    /// <summary>The HTTP version, e.g. <c>HTTP/1.1</c> (<c>SERVER_PROTOCOL</c>).</summary>
    public string Protocol { get; init; } = "HTTP/1.1";

    /// <summary>The client's IP address (<c>REMOTE_ADDR</c>), empty when unknown.</summary>
    public string RemoteAddr { get; init; } = "";

    /// <summary>Who is asking; null for a request without a session user (the identity variables are then empty).</summary>
    public WagiIdentity? Identity { get; init; }

    /// <summary>
    /// The grain's storage directory on the host, preopened read-write as <c>/var</c>: the only directory the module
    /// sees. Null runs the module with no filesystem at all.
    /// </summary>
    public string? StorageDir { get; init; }

    /// <summary>Arguments from the manifest's <c>command.args</c>, after <c>argv[0]</c> and before the query words.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Variables from the manifest's <c>command.env</c>. Request and identity variables of the same name win.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }
}

/// <summary>The person behind a request, as the session host established it. Clients cannot set any of it.</summary>
public sealed record WagiIdentity
{
    /// <summary>Account id (<c>OUTPOST_USER_ID</c>).</summary>
    public required string UserId { get; init; }

    /// <summary>Display name, plain UTF-8 (<c>OUTPOST_USER_NAME</c>; the native sandbox's header is percent-encoded instead).</summary>
    public required string UserName { get; init; }

    /// <summary>Comma-separated permission ids from the manifest (<c>OUTPOST_PERMISSIONS</c>).</summary>
    public string Permissions { get; init; } = "";

    /// <summary>The session's id (<c>OUTPOST_SESSION_ID</c>).</summary>
    public required string SessionId { get; init; }
}
