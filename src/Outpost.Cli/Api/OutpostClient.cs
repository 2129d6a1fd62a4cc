using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Outpost.Server.Apps;
using Outpost.Server.Backups;
using Outpost.Server.Catalogs;
using Outpost.Server.Grains;
using Outpost.Server.Sharing;

namespace Outpost.Cli.Api;

/// <summary>Talks to a running server's HTTP API, the same API the web shell uses.</summary>
public sealed partial class OutpostClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly Uri _server;

    public OutpostClient(Uri server, string token)
    {
        _server = server;
        _http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(10) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public Task<List<AppSummary>> ListAppsAsync(CancellationToken ct) => SendAsync<List<AppSummary>>(new(HttpMethod.Get, "api/apps"), ct);

    public async Task<AppSummary> InstallAppAsync(string opkPath, CancellationToken ct)
    {
        await using var file = File.OpenRead(opkPath);
        using var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await SendAsync<AppSummary>(new(HttpMethod.Post, "api/apps") { Content = content }, ct);
    }

    public Task RemoveAppAsync(string appId, CancellationToken ct) => SendAsync(new(HttpMethod.Delete, $"api/apps/{Uri.EscapeDataString(appId)}"), ct);

    public Task PinAppAsync(string appId, int version, CancellationToken ct) =>
        SendAsync(new(HttpMethod.Put, $"api/apps/{Uri.EscapeDataString(appId)}/pin") { Content = JsonContent.Create(new PinRequest { Version = version }, options: Json) }, ct);

    public Task UnpinAppAsync(string appId, CancellationToken ct) => SendAsync(new(HttpMethod.Delete, $"api/apps/{Uri.EscapeDataString(appId)}/pin"), ct);

    public Task<List<CatalogSummary>> ListCatalogsAsync(CancellationToken ct) => SendAsync<List<CatalogSummary>>(new(HttpMethod.Get, "api/catalogs"), ct);

    public Task<CatalogSummary> SubscribeCatalogAsync(SubscribeRequest request, CancellationToken ct) =>
        SendAsync<CatalogSummary>(new(HttpMethod.Post, "api/catalogs") { Content = JsonContent.Create(request, options: Json) }, ct);

    public Task UnsubscribeCatalogAsync(int id, CancellationToken ct) => SendAsync(new(HttpMethod.Delete, $"api/catalogs/{id}"), ct);

    public Task<CatalogCheckReport> CheckCatalogsAsync(CancellationToken ct) => SendAsync<CatalogCheckReport>(new(HttpMethod.Post, "api/catalogs/check"), ct);

    public Task<List<CatalogAppSummary>> ListCatalogAppsAsync(CancellationToken ct) => SendAsync<List<CatalogAppSummary>>(new(HttpMethod.Get, "api/catalogs/apps"), ct);

    public Task<AppSummary> InstallFromCatalogAsync(string appId, CancellationToken ct) =>
        SendAsync<AppSummary>(new(HttpMethod.Post, "api/catalogs/install") { Content = JsonContent.Create(new CatalogInstallRequest { AppId = appId }, options: Json) }, ct);

    public Task<Server.ServerBackups.ServerBackupReport> ServerBackupsAsync(CancellationToken ct) =>
        SendAsync<Server.ServerBackups.ServerBackupReport>(new(HttpMethod.Get, "api/server/backups"), ct);

    public Task<Server.ServerBackups.ServerBackupStatus> StartServerBackupAsync(CancellationToken ct) =>
        SendAsync<Server.ServerBackups.ServerBackupStatus>(new(HttpMethod.Post, "api/server/backups"), ct);

    public Task<List<GrainSummary>> ListGrainsAsync(CancellationToken ct) => SendAsync<List<GrainSummary>>(new(HttpMethod.Get, "api/grains"), ct);

    public Task<GrainSummary> CreateGrainAsync(CreateGrainRequest request, CancellationToken ct) =>
        SendAsync<GrainSummary>(new(HttpMethod.Post, "api/grains") { Content = JsonContent.Create(request, options: Json) }, ct);

    public Task<SessionCreated> OpenGrainAsync(string grainId, CancellationToken ct) =>
        SendAsync<SessionCreated>(new(HttpMethod.Post, $"api/grains/{Uri.EscapeDataString(grainId)}/sessions"), ct);

    public Task StopGrainAsync(string grainId, CancellationToken ct) => SendAsync(new(HttpMethod.Post, $"api/grains/{Uri.EscapeDataString(grainId)}/stop"), ct);

    public Task DeleteGrainAsync(string grainId, CancellationToken ct) => SendAsync(new(HttpMethod.Delete, $"api/grains/{Uri.EscapeDataString(grainId)}"), ct);

    public async Task<string> GrainLogsAsync(string grainId, CancellationToken ct)
    {
        using var response = await SendRawAsync(new(HttpMethod.Get, $"api/grains/{Uri.EscapeDataString(grainId)}/logs"), ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    public Task<ShareCreated> ShareGrainAsync(string grainId, CreateShareRequest request, CancellationToken ct) =>
        SendAsync<ShareCreated>(new(HttpMethod.Post, $"api/grains/{Uri.EscapeDataString(grainId)}/shares") { Content = JsonContent.Create(request, options: Json) }, ct);

    public Task<List<AccessEntry>> GrainAccessAsync(string grainId, CancellationToken ct) =>
        SendAsync<List<AccessEntry>>(new(HttpMethod.Get, $"api/grains/{Uri.EscapeDataString(grainId)}/access"), ct);

    public Task RevokeShareAsync(string shareId, CancellationToken ct) => SendAsync(new(HttpMethod.Delete, $"api/shares/{Uri.EscapeDataString(shareId)}"), ct);

    public Task ChangeShareRoleAsync(string shareId, string role, CancellationToken ct) =>
        SendAsync(new(HttpMethod.Patch, $"api/shares/{Uri.EscapeDataString(shareId)}") { Content = JsonContent.Create(new ChangeShareRequest { Role = role }, options: Json) }, ct);

    /// <summary>The grain's access log, newest first, as the server's JSON; <paramref name="query"/> holds the filters.</summary>
    public async Task<string> GrainAccessLogJsonAsync(string grainId, IReadOnlyDictionary<string, string> query, CancellationToken ct)
    {
        var pairs = query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}");
        using var response = await SendRawAsync(new(HttpMethod.Get, $"api/grains/{Uri.EscapeDataString(grainId)}/log?{string.Join('&', pairs)}"), ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>Downloads a backup of the grain into <paramref name="destination"/>, reporting the bytes received so far.</summary>
    public async Task BackupGrainAsync(string grainId, BackupRequest request, Stream destination, IProgress<long> progress, CancellationToken ct)
    {
        using var response = await SendRawAsync(
            new(HttpMethod.Post, $"api/grains/{Uri.EscapeDataString(grainId)}/backup") { Content = JsonContent.Create(request, options: Json) },
            ct, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        try
        {
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), ct);
                total += read;
                progress.Report(total);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            throw new OutpostApiException($"The backup download broke off after {total} bytes ({e.Message}); the server's log may say why. Nothing was kept.");
        }
    }

    /// <summary>Uploads a backup file; the server restores it as a new grain. Exactly one of passphrase and key line.</summary>
    public async Task<RestoreResult> RestoreGrainAsync(string backupPath, string? passphrase, string? keyLine, CancellationToken ct)
    {
        await using var file = File.OpenRead(backupPath);
        using var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Post, "api/grains/restore") { Content = content };
        if (passphrase is not null)
        {
            request.Headers.Add(BackupSecrets.PassphraseHeader, Uri.EscapeDataString(passphrase));
        }

        if (keyLine is not null)
        {
            request.Headers.Add(BackupSecrets.KeyHeader, keyLine);
        }

        return await SendAsync<RestoreResult>(request, ct);
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await SendRawAsync(request, ct);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct)
            ?? throw new OutpostApiException($"The server sent an empty answer to {request.Method} {request.RequestUri}.");
    }

    private async Task SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await SendRawAsync(request, ct);
    }

    private async Task<HttpResponseMessage> SendRawAsync(
        HttpRequestMessage request, CancellationToken ct, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e)
        {
            throw new OutpostApiException($"Cannot reach Outpost at {_server}: {e.Message}. Is 'outpost serve' running there?");
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw new OutpostApiException(await DescribeErrorAsync(response, ct));
        }
    }

    private static async Task<string> DescribeErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var problem = JsonDocument.Parse(body);
            var title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (title is not null || detail is not null)
            {
                return string.Join(": ", new[] { title, detail }.Where(s => !string.IsNullOrEmpty(s)));
            }
        }
        catch (JsonException)
        {
            // Not a problem document; fall through to the status line.
        }

        return response.StatusCode == HttpStatusCode.NotFound
            ? "Not found."
            : $"The server answered {(int)response.StatusCode} {response.ReasonPhrase}.";
    }
}

/// <summary>The server refused a request or could not be reached; the message is the server's explanation.</summary>
public sealed class OutpostApiException(string message) : Exception(message);
