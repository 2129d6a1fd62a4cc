using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Data;
using Outpost.Server.FunctionalTests.Backups;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Transfer;
using static Outpost.Server.FunctionalTests.Transfer.TransferSteps;

namespace Outpost.Server.FunctionalTests.Transfer;

/// <summary>A receiving server pulling from a server that answers badly: each a clear error, nothing kept of it.</summary>
public sealed class HostileSourceTests
{
    [Fact]
    public async Task Pull_DamagedBackups_FailEachGrainAloneAndKeepNothingOfThem_WhileTheGoodOneArrives()
    {
        using var certificate = new TestCertificate();
        var (backup, foreign, token) = await RealBackupsAsync();
        await using var hostile = await HostileSource.StartAsync(backup, foreign, certificate);
        await using var target = await BackupSteps.TargetWithNotesAsync();

        var pull = await PullAsync(target.Api, new Uri(hostile.Http, "backups/"), token);

        Assert.Equal("failed", pull.State);
        Assert.Contains("5 of 6 grains did not arrive", pull.Message);
        var grains = pull.Grains.ToDictionary(g => g.SourceId);
        Assert.Equal("done", grains["good"].State);
        Assert.True(grains["truncated"].Error!.Contains("ended after"), grains["truncated"].Error);
        Assert.Contains("the backup is damaged at byte", grains["flipped"].Error);
        // Made for another offer: the key derived from this offer's token does not open it.
        Assert.Contains("the key given is", grains["foreign"].Error);
        Assert.Contains("did not say how large", grains["endless"].Error);
        Assert.Contains("more than this server accepts", grains["oversized"].Error);
        Assert.False(hostile.CompleteCalled);
        await using var scope = target.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        Assert.Equal([grains["good"].GrainId], await db.Grains.Select(g => (string?)g.Id).ToListAsync());
        Assert.Single(await db.TransferImports.ToListAsync());
        Assert.Equal([grains["good"].GrainId!], Directory.EnumerateDirectories(target.Paths.Grains).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateFileSystemEntries(target.Paths.Temp));
    }

    [Fact]
    public async Task Pull_BadListsRedirectsPlainHttpAndUntrustedCertificates_AreRefusedWithNothingWritten()
    {
        using var certificate = new TestCertificate();
        await using var hostile = await HostileSource.StartAsync([], [], certificate);
        await using var target = await BackupSteps.TargetWithNotesAsync();
        var token = new string('a', 64);

        Assert.Contains("malformed list of grains", (await PullAsync(target.Api, new Uri(hostile.Http, "malformed/"), token)).Message);
        Assert.Contains("larger than 4 MiB", (await PullAsync(target.Api, new Uri(hostile.Http, "huge/"), token)).Message);
        Assert.Contains("offers 10000 grains; this server takes at most 1000", (await PullAsync(target.Api, new Uri(hostile.Http, "many/"), token)).Message);
        var redirect = await PullAsync(target.Api, new Uri(hostile.Http, "redirect/"), token);
        Assert.Contains("answered with a redirect to http://169.254.169.254/", redirect.Message);
        Assert.Contains("never follow redirects", redirect.Message);
        Assert.Contains("certificate is not trusted here", (await PullAsync(target.Api, new Uri(hostile.Https, "backups/"), token)).Message);

        foreach (var plain in new[] { "http://example.org/", "http://10.1.2.3:6080/" })
        {
            using var response = await target.Api.PostAsJsonAsync("api/transfers/pulls", new PullRequest { Url = plain, Token = token });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.Contains("plain http", text);
            Assert.Contains("only for a server on this machine", text);
        }

        using (var notToken = await target.Api.PostAsJsonAsync("api/transfers/pulls", new PullRequest { Url = hostile.Https.ToString(), Token = "12345" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notToken.StatusCode);
        }

        await AssertNothingArrivedAsync(target);
    }

    /// <summary>
    /// A real notes grain's backup as a real offering server exports it for an offer, the same grain exported for a
    /// second offer, and the first offer's token.
    /// </summary>
    private static async Task<(byte[] Backup, byte[] Foreign, string Token)> RealBackupsAsync()
    {
        await using var source = await OutpostHost.StartAsync();
        var (grainId, _) = await BackupSteps.NotesGrainWithNoteAsync(source, "the one that arrives");
        var offer = await OfferAsync(source.Api);
        var other = await OfferAsync(source.Api);
        using var export = ExportClient(source, offer.Token);
        using var otherExport = ExportClient(source, other.Token);
        return (await export.GetByteArrayAsync($"api/transfer/grains/{grainId}/backup"),
            await otherExport.GetByteArrayAsync($"api/transfer/grains/{grainId}/backup"), offer.Token);
    }
}
