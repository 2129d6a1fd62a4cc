using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Data;
using Outpost.Data.AccessLog;
using Outpost.Server.AccessLog;
using Outpost.Server.FunctionalTests.Infrastructure;
using static Outpost.Server.FunctionalTests.Sharing.SharingSteps;

namespace Outpost.Server.FunctionalTests.AccessLog;

/// <summary>The access log against a real server: what is recorded, who may read it, filters, exports, and that it cannot be rewritten.</summary>
public sealed class AccessLogTests
{
    [Fact]
    public async Task Log_OwnerOpenLinkVisitShareActionsAndRename_AreRecordedNewestFirst()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        await host.OpenAsync(grainId);
        var link = await SharedAsync(host.Api, grainId, "viewer", label: "for reviewers");
        using (var visit = await OpenLinkAsync(host, link.Url!))
        {
            await Ensure.SuccessAsync(visit);
        }

        await RevokeAsync(host.Api, link.Id);
        using (var renamed = await host.Api.PatchAsJsonAsync($"api/grains/{grainId}", new { title = "Renamed notes" }))
        {
            await Ensure.SuccessAsync(renamed);
        }

        var log = await LogAsync(host.Api, grainId);

        Assert.Equal(["grain.rename", "share.revoke", "open", "share.create", "open"], log.Select(e => e.Action));
        var visitEntry = log[2];
        Assert.Equal("Anonymous", visitEntry.Who);
        Assert.Null(visitEntry.AccountId);
        Assert.Equal(link.Id, visitEntry.ShareId);
        Assert.Equal("viewer", visitEntry.Role);
        Assert.Equal("127.0.0.1", visitEntry.Address);
        Assert.Contains("for reviewers", visitEntry.Detail, StringComparison.Ordinal);
        Assert.Equal("owner", log[4].Role);
        Assert.Equal("admin", log[4].AccountId);
        Assert.Equal(link.Id, log[1].ShareId);
        Assert.Contains("Shared notes", log[0].Detail, StringComparison.Ordinal);
        Assert.Equal("Renamed notes", log[0].GrainTitle);
        Assert.True(log.Zip(log.Skip(1)).All(p => p.First.Id > p.Second.Id), "entries are not newest first");
    }

    [Fact]
    public async Task Log_ReadBySomeoneTheGrainIsSharedWith_Returns404()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        await SharedAsync(host.Api, grainId, "editor", bob.Account.Email);

        using var response = await bob.Api.GetAsync($"api/grains/{grainId}/log");
        using var admin = await bob.Api.GetAsync("api/admin/log");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
    }

    [Fact]
    public async Task Log_FilteredByActionAndWho_ReturnsOnlyMatches()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using var bob = await PersonAsync(host, "Bob");
        await SharedAsync(host.Api, grainId, "viewer", bob.Account.Email);
        await OpenAsPersonAsync(bob, grainId);
        await host.OpenAsync(grainId);

        var opens = await LogAsync(host.Api, grainId, "action=open");
        var byBob = await LogAsync(host.Api, grainId, "who=bo");
        var percent = await LogAsync(host.Api, grainId, "who=%25");
        var page = await LogAsync(host.Api, grainId, $"limit=1&before={opens[0].Id}");

        Assert.Equal(2, opens.Count);
        Assert.All(opens, e => Assert.Equal("open", e.Action));
        Assert.Equal(["open"], byBob.Select(e => e.Action));
        Assert.Equal(bob.Account.Id, byBob[0].AccountId);
        Assert.Equal("viewer", byBob[0].Role);
        Assert.Empty(percent);
        Assert.Single(page);
        Assert.True(page[0].Id < opens[0].Id);
    }

    [Theory]
    [InlineData("action=drop%20table", "Unknown action")]
    [InlineData("since=yesterday-ish", "'since' and 'until'")]
    [InlineData("limit=0", "'limit' is a number")]
    [InlineData("limit=1001", "'limit' is a number")]
    [InlineData("before=-5", "'before'")]
    [InlineData("format=xml", "'format'")]
    public async Task Log_MalformedFilter_Returns400WithWhatToDo(string query, string expected)
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);

        using var response = await host.Api.GetAsync($"api/grains/{grainId}/log?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_Csv_HasHeaderAndDefusesFormulasInTitles()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        using (var renamed = await host.Api.PatchAsJsonAsync($"api/grains/{grainId}", new { title = "=HYPERLINK(\"http://evil\",\"x\")" }))
        {
            await Ensure.SuccessAsync(renamed);
        }

        await host.OpenAsync(grainId);

        using var response = await host.Api.GetAsync($"api/grains/{grainId}/log?format=csv");
        var csv = await response.Content.ReadAsStringAsync();
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("time,grain_id,grain_title,action,who", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",open,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_Json_ReturnsEveryEntryAsAnAttachment()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        for (var i = 0; i < 3; i++)
        {
            await host.OpenAsync(grainId);
        }

        using var response = await host.Api.GetAsync($"api/grains/{grainId}/log?export=1");
        var entries = await response.Content.ReadFromJsonAsync<List<AccessLogView>>();

        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, entries!.Count);
    }

    [Fact]
    public async Task Api_HasNoWayToChangeOrDeleteEntries()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        await host.OpenAsync(grainId);
        var id = (await LogAsync(host.Api, grainId))[0].Id;

        using var delete = await host.Api.DeleteAsync($"api/grains/{grainId}/log");
        using var put = await host.Api.PutAsJsonAsync($"api/grains/{grainId}/log", new { });
        using var deleteOne = await host.Api.DeleteAsync($"api/grains/{grainId}/log/{id}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteOne.StatusCode);
        Assert.Single(await LogAsync(host.Api, grainId));
    }

    [Fact]
    public async Task Database_RefusesUpdatesAndDeletingFreshEntries()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        await host.OpenAsync(grainId);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();

        var update = await Assert.ThrowsAsync<SqliteException>(() => db.AccessLog.ExecuteUpdateAsync(u => u.SetProperty(e => e.ActorName, "Nobody")));
        var delete = await Assert.ThrowsAsync<SqliteException>(() => db.AccessLog.ExecuteDeleteAsync());

        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("younger than a day", delete.Message, StringComparison.Ordinal);
        Assert.Equal("admin", (await db.AccessLog.SingleAsync()).ActorAccountId);
    }

    [Fact]
    public async Task Retention_RemovesOnlyEntriesOlderThanTheSetting()
    {
        await using var host = await OutpostHost.StartAsync();
        var grainId = await NotesGrainAsync(host);
        await host.OpenAsync(grainId);
        using (var setting = await host.Api.PutAsJsonAsync("api/settings/AccessLogRetentionDays", new { value = "30" }))
        {
            await Ensure.SuccessAsync(setting);
        }

        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
            foreach (var age in new[] { 29, 31, 400 })
            {
                db.AccessLog.Add(new AccessLogEntry
                {
                    At = DateTimeOffset.UtcNow.AddDays(-age), GrainId = grainId, GrainTitle = "old", GrainOwnerId = "admin",
                    Action = AccessLogActions.Open, ActorName = $"{age} days ago",
                });
            }

            await db.SaveChangesAsync();
        }

        var removed = await host.Services.GetRequiredService<AccessLogRetention>().RunOnceAsync(CancellationToken.None);
        var left = await LogAsync(host.Api, grainId);

        Assert.Equal(2, removed);
        Assert.Equal([null, "admin"], left.Select(e => e.AccountId));
        Assert.Equal("29 days ago", left[0].Who);
    }

    [Fact]
    public async Task AdminLog_ListsEveryGrainAndFiltersByGrain()
    {
        await using var host = await OutpostHost.StartAsync();
        var first = await NotesGrainAsync(host);
        var second = (await host.NewGrainAsync((await host.GrainAsync(first)).AppId)).Id;
        await host.OpenAsync(first);
        await host.OpenAsync(second);

        var all = await LogAsync(host.Api, grainId: null);
        var one = await LogAsync(host.Api, grainId: null, $"grain={second}");

        Assert.Equal([second, first], all.Select(e => e.GrainId));
        Assert.Equal([second], one.Select(e => e.GrainId));
    }

    private static async Task<List<AccessLogView>> LogAsync(HttpClient api, string? grainId, string query = "")
    {
        var path = grainId is null ? "api/admin/log" : $"api/grains/{grainId}/log";
        using var response = await api.GetAsync($"{path}?{query}");
        await Ensure.SuccessAsync(response);
        return (await response.Content.ReadFromJsonAsync<List<AccessLogView>>())!;
    }
}
