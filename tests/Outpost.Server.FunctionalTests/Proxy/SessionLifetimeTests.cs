using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Data;
using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.Sessions;

namespace Outpost.Server.FunctionalTests.Proxy;

/// <summary>Sessions end after their lifetime, and ended or never-used sessions are cleaned away.</summary>
public sealed class SessionLifetimeTests
{
    [Fact]
    public async Task Session_OlderThanItsLifetime_IsRefusedAndCleanedUp()
    {
        await using var host = await OutpostHost.StartAsync();
        var (_, origin, browser) = await SessionRoutingTests.OpenNotesAsync(host);
        using var _ = browser;
        var sessionId = origin.Host.Split('.')[0];
        using (var before = await browser.Http.GetAsync(new Uri(origin, "api/whoami")))
        {
            await Ensure.SuccessAsync(before);
        }

        await AgeSessionAsync(host, sessionId, TimeSpan.FromDays(8));
        using var after = await browser.Http.GetAsync(new Uri(origin, "api/whoami"));
        var removed = await host.Services.GetRequiredService<SessionCleanup>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
        Assert.Contains("session has ended", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, removed);
    }

    [Fact]
    public async Task Cleanup_RemovesLinksWhoseTicketExpiredUnused_AndKeepsLiveOnes()
    {
        await using var host = await OutpostHost.StartAsync();
        var app = await host.InstallAsync((await SamplePackages.NotesAsync()).File);
        var grain = await host.NewGrainAsync(app.AppId);
        var unused = await host.OpenAsync(grain.Id);
        var live = await host.OpenAsync(grain.Id);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
            var session = await db.Sessions.SingleAsync(s => s.Id == unused.SessionId);
            db.Entry(session).Property(s => s.TicketExpiresAt).CurrentValue = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }

        var removed = await host.Services.GetRequiredService<SessionCleanup>().RunOnceAsync(CancellationToken.None);
        using var browser = host.Browser();
        using var redeemLive = await browser.Http.GetAsync(live.Url);

        Assert.Equal(1, removed);
        Assert.Equal(HttpStatusCode.Redirect, redeemLive.StatusCode);
    }

    private static async Task AgeSessionAsync(OutpostHost host, string sessionId, TimeSpan age)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OutpostDbContext>();
        var session = await db.Sessions.SingleAsync(s => s.Id == sessionId);
        db.Entry(session).Property(s => s.CreatedAt).CurrentValue = DateTimeOffset.UtcNow - age;
        await db.SaveChangesAsync();

        // The router caches sessions; a real change (revocation, expiry edits) forgets the cached copy the same way.
        host.Services.GetRequiredService<SessionCache>().Forget(sessionId);
    }
}
