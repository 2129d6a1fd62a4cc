using Outpost.Server.FunctionalTests.Infrastructure;
using Outpost.Server.FunctionalTests.Sharing;
using static Outpost.Server.FunctionalTests.Sharing.SharingSteps;

namespace Outpost.Server.FunctionalTests.RealApps;

/// <summary>A grain of a real app opened by its owner and by Bob, who holds the viewer role on it.</summary>
internal sealed record ViewedGrain(string GrainId, BrowserClient Owner, Uri OwnerOrigin, TestPerson Bob, Uri BobOrigin) : IDisposable
{
    public void Dispose()
    {
        Owner.Dispose();
        Bob.Dispose();
    }
}

/// <summary>What the real-app tests share: a grain with an owner and a viewer.</summary>
internal static class RealAppSteps
{
    public static async Task<ViewedGrain> GrainWithViewerAsync(OutpostHost host, Task<SamplePackages.Packed> package, string title)
    {
        var app = await host.InstallAsync((await package).File);
        var grainId = (await host.NewGrainAsync(app.AppId, title)).Id;
        var owner = host.Browser();
        var ownerOrigin = await owner.RedeemAsync((await host.OpenAsync(grainId)).Url);
        var bob = await PersonAsync(host, "Bob");
        await SharedAsync(host.Api, grainId, "viewer", bob.Account.Email);
        return new ViewedGrain(grainId, owner, ownerOrigin, bob, await OpenAsPersonAsync(bob, grainId));
    }
}
