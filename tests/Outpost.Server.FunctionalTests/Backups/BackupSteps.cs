using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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
