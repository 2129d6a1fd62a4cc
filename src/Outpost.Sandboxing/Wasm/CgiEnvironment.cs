using System.Globalization;

namespace Outpost.Sandboxing.Wasm;

/// <summary>Turns a request into a WAGI module's environment variables and arguments (CGI/1.1, RFC 3875, as WAGI does).</summary>
internal static class CgiEnvironment
{
    public const string UserId = "OUTPOST_USER_ID";
    public const string UserName = "OUTPOST_USER_NAME";
    public const string Permissions = "OUTPOST_PERMISSIONS";
    public const string SessionId = "OUTPOST_SESSION_ID";

    private const string ReservedHeaderPrefix = "HTTP_X_OUTPOST_";

    public static List<(string Name, string Value)> Build(WagiRequest request)
    {
        var vars = new Dictionary<string, string>(40, StringComparer.Ordinal);
        if (request.Env is not null)
        {
            foreach (var (name, value) in request.Env)
            {
                if (IsUsable(name) && !value.Contains('\0'))
                {
                    vars[name] = value;
                }
            }
        }

        AddHeaders(vars, request.Headers);

        // After the headers, so a client header can never shadow a meta-variable or an identity variable.
        var pathInfo = DecodePath(request.RawPath);
        var port = request.ServerPort.ToString(CultureInfo.InvariantCulture);
        var query = request.QueryString.Length == 0 ? "" : "?" + request.QueryString;
        vars["AUTH_TYPE"] = "";
        vars["CONTENT_LENGTH"] = request.Body.Length.ToString(CultureInfo.InvariantCulture);
        vars["CONTENT_TYPE"] = HeaderValue(request.Headers, "Content-Type");
        vars["GATEWAY_INTERFACE"] = "CGI/1.1";
        vars["PATH_INFO"] = pathInfo;
        vars["PATH_TRANSLATED"] = pathInfo;
        vars["QUERY_STRING"] = request.QueryString;
        vars["REMOTE_ADDR"] = request.RemoteAddr;
        vars["REMOTE_HOST"] = request.RemoteAddr;
        vars["REMOTE_USER"] = "";
        vars["REQUEST_METHOD"] = request.Method;
        vars["SCRIPT_NAME"] = "";
        vars["SERVER_NAME"] = request.ServerName;
        vars["SERVER_PORT"] = port;
        vars["SERVER_PROTOCOL"] = request.Protocol;
        vars["SERVER_SOFTWARE"] = "Outpost";
        vars["X_FULL_URL"] = $"{request.Scheme}://{request.ServerName}:{port}{request.RawPath}{query}";
        vars["X_MATCHED_ROUTE"] = "/...";
        vars["X_RAW_PATH_INFO"] = request.RawPath;

        var identity = request.Identity;
        vars[UserId] = Clean(identity?.UserId);
        vars[UserName] = Clean(identity?.UserName);
        vars[Permissions] = Clean(identity?.Permissions);
        vars[SessionId] = Clean(identity?.SessionId);

        var list = new List<(string, string)>(vars.Count);
        foreach (var (name, value) in vars)
        {
            list.Add((name, value));
        }

        return list;
    }

    /// <summary>argv: the module's path, the manifest's arguments, then the query's words (WAGI's convention).</summary>
    public static List<string> Arguments(string moduleName, WagiRequest request)
    {
        var args = new List<string>(1 + request.Args.Count) { moduleName };
        args.AddRange(request.Args);
        if (request.QueryString.Length > 0)
        {
            foreach (var word in request.QueryString.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var decoded = Uri.UnescapeDataString(word.Replace('+', ' '));
                if (!decoded.Contains('\0'))
                {
                    args.Add(decoded);
                }
            }
        }

        return args;
    }

    private static void AddHeaders(Dictionary<string, string> vars, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            var key = HeaderVariable(name);
            if (key is null || value.Contains('\0'))
            {
                continue;
            }

            // RFC 3875 4.1.18: credentials stay with the server; Connection describes the client's hop only.
            if (key is "HTTP_AUTHORIZATION" or "HTTP_PROXY_AUTHORIZATION" or "HTTP_CONNECTION"
                || key.StartsWith(ReservedHeaderPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            vars[key] = vars.TryGetValue(key, out var earlier) ? earlier + ", " + value : value;
        }
    }

    /// <summary>
    /// <c>HTTP_</c> + the name upper-cased with '-' as '_'. Names holding '_' or other non-token characters are
    /// dropped: <c>X_Outpost_User_Id</c> would otherwise land on the same variable as <c>X-Outpost-User-Id</c>.
    /// </summary>
    private static string? HeaderVariable(string name)
    {
        if (name.Length == 0 || !name.All(c => c is '-' or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')))
        {
            return null;
        }

        return string.Create(5 + name.Length, name, static (span, name) =>
        {
            "HTTP_".CopyTo(span);
            for (var i = 0; i < name.Length; i++)
            {
                span[5 + i] = name[i] == '-' ? '_' : char.ToUpperInvariant(name[i]);
            }
        });
    }

    private static string HeaderValue(IReadOnlyList<KeyValuePair<string, string>> headers, string name)
    {
        foreach (var (key, value) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return Clean(value);
            }
        }

        return "";
    }

    private static string DecodePath(string rawPath)
    {
        var decoded = rawPath.Contains('%') ? Uri.UnescapeDataString(rawPath) : rawPath;
        return decoded.Contains('\0') ? decoded.Replace("\0", "", StringComparison.Ordinal) : decoded;
    }

    // A NUL would end the C string early and could smuggle a second value past the host's view of it.
    private static string Clean(string? value) =>
        value is null ? "" : value.Contains('\0') ? value.Replace("\0", "", StringComparison.Ordinal) : value;

    private static bool IsUsable(string name) =>
        name.Length > 0 && !name.Contains('=') && !name.Contains('\0');
}
