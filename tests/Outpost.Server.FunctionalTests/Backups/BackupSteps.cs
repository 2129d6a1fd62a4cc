using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Data;
using Outpost.Server.Backups;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Backups;

/// <summary>Backing up and restoring through the HTTP API, as the command line and the web interface do.</summary>
internal static class BackupSteps
{
    public const string Passphrase = "correct horse battery staple";

    /// <summary>A notes grain of the admin on <paramref name="host"/> holding one note titled <paramref name="note"/>.</summary>
    public static async Task<(string GrainId, string AppId)> NotesGrainWithNoteAsync(OutpostHost host, string note)
    {
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var grain = await host.NewGrainAsync(app.AppId, "Kept notes");
        using var browser = host.Browser();
        var origin = await browser.RedeemAsync((await host.OpenAsync(grain.Id)).Url);
        await NotesSteps.CreateNoteAsync(browser, origin, note);
        return (grain.Id, app.AppId);
    }

    /// <summary>A backup (passphrase <see cref="Passphrase"/>) of a notes grain holding <paramref name="note"/>, made on a server that is gone again.</summary>
    public static async Task<byte[]> BackupFromElsewhereAsync(string note)
    {
        await using var source = await OutpostHost.StartAsync();
        var (grainId, _) = await NotesGrainWithNoteAsync(source, note);
        return await BackedUpAsync(source.Api, grainId);
    }

    /// <summary>A fresh server with the notes app installed, to restore on.</summary>
    public static async Task<OutpostHost> TargetWithNotesAsync()
    {
        var target = await OutpostHost.StartAsync();
        await target.InstallAsync((await SamplePackages.NotesAsync()).File);
        return target;
    }

    /// <summary>
    /// Writes <paramref name="mib"/> MiB of random bytes (which no compression shrinks) to bulk.bin in a grain's
    /// mounted storage view, so that its backup takes a while; returns their SHA-256.
    /// </summary>
    public static async Task<byte[]> WriteBulkAsync(string view, int mib)
    {
        var chunk = new byte[1 << 20];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var bulk = File.Create(Path.Combine(view, "bulk.bin"));
        for (var i = 0; i < mib; i++)
        {
            RandomNumberGenerator.Fill(chunk);
            hash.AppendData(chunk);
            await bulk.WriteAsync(chunk);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>A backup request with <see cref="Passphrase"/>, to send with <see cref="HttpCompletionOption.ResponseHeadersRead"/>.</summary>
    public static HttpRequestMessage BackupRequest(string grainId) =>
        new(HttpMethod.Post, $"api/grains/{grainId}/backup") { Content = JsonContent.Create(new BackupRequest { Passphrase = Passphrase }) };

    /// <summary>
    /// Starts a backup and reads its first byte, then leaves the rest unread: the server is held up writing it, so
    /// the grain stays held for the backup until the returned download is read to its end or disposed.
    /// </summary>
    public static async Task<HttpResponseMessage> BackupUnderWayAsync(HttpClient api, string grainId)
    {
        var response = await api.SendAsync(BackupRequest(grainId), HttpCompletionOption.ResponseHeadersRead);
        await Ensure.SuccessAsync(response);
        var body = await response.Content.ReadAsStreamAsync();
        Assert.True(await body.ReadAsync(new byte[1]) == 1, "the backup's first byte should arrive");
        return response;
    }

    public static Task<HttpResponseMessage> BackupAsync(HttpClient api, string grainId, string? passphrase = Passphrase, string? key = null) =>
        api.PostAsJsonAsync($"api/grains/{grainId}/backup", new BackupRequest { Passphrase = passphrase, Key = key });

    /// <summary>Backs up and expects success; returns the backup file's bytes.</summary>
    public static async Task<byte[]> BackedUpAsync(HttpClient api, string grainId)
    {
        using var response = await BackupAsync(api, grainId);
        await Ensure.SuccessAsync(response);
        return await response.Content.ReadAsByteArrayAsync();
    }

    public static async Task<HttpResponseMessage> RestoreAsync(HttpClient api, byte[] backup, string? passphrase = Passphrase, string? keyLine = null)
    {
        using var content = new ByteArrayContent(backup);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/grains/restore") { Content = content };
        if (passphrase is not null)
        {
            request.Headers.Add(BackupSecrets.PassphraseHeader, Uri.EscapeDataString(passphrase));
        }

        if (keyLine is not null)
        {
            request.Headers.Add(BackupSecrets.KeyHeader, keyLine);
        }

        return await api.SendAsync(request);
    }

    public static async Task<RestoreResult> RestoredAsync(HttpClient api, byte[] backup)
    {
        using var response = await RestoreAsync(api, backup);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RestoreResult>())!;
    }

    /// <summary>The grains page's "Restore a backup" form as a browser sends it: its hidden fields, the file and the passphrase.</summary>
    public static MultipartFormDataContent RestoreForm(Dictionary<string, string> hidden, byte[] backup, string passphrase)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in hidden)
        {
            form.Add(new StringContent(value), name);
        }

        form.Add(new StringContent(passphrase), "passphrase");
        form.Add(new ByteArrayContent(backup), "backup", "notes.outpost-backup");
        return form;
    }

    /// <summary>The notes list of a grain, through a fresh session (which starts it).</summary>
    public static async Task<string> NotesOfAsync(OutpostHost host, string grainId)
    {
        using var browser = host.Browser();
        var origin = await browser.RedeemAsync((await host.OpenAsync(grainId)).Url);
        return await NotesSteps.ListAsync(browser, origin);
    }

    /// <summary>Asserts the server holds no grain at all: no row, no directory, no upload left in its scratch space.</summary>
    public static async Task AssertNoGrainsAsync(OutpostHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        Assert.Empty(await db.Grains.ToListAsync());
        Assert.Empty(await db.Shares.ToListAsync());
        Assert.False(Directory.Exists(host.Paths.Grains) && Directory.EnumerateFileSystemEntries(host.Paths.Grains).Any(),
            "the grains directory should be empty: " + string.Join(", ", Directory.Exists(host.Paths.Grains) ? Directory.EnumerateFileSystemEntries(host.Paths.Grains) : []));
        Assert.Empty(Directory.EnumerateFileSystemEntries(host.Paths.Temp));
    }
}
