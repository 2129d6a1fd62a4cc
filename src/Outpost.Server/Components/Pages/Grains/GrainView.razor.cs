using Microsoft.AspNetCore.Components;
using Outpost.Core.Sharing;
using Outpost.Data;
using Microsoft.EntityFrameworkCore;
using Outpost.Data.Grains;
using Outpost.Server.Accounts;
using Outpost.Server.Apps;
using Outpost.Server.Grains;
using Outpost.Server.Sessions;
using Outpost.Server.Shell;

namespace Outpost.Server.Components.Pages.Grains;

/// <summary>
/// A grain, framed on its own session host under a bar with its title and menu. Every view opens a new session,
/// so the frame never shows a host another page (or person) was given. The owner and people it is shared with see
/// it (the menu offers the owner everything, others only sharing onward); to anyone else it does not exist.
/// </summary>
public partial class GrainView
{
    private GrainRecord? _grain;
    private AppView? _app;
    private SessionCreated? _session;
    private AccessResult _access = AccessResult.None;
    private string? _error;

    [Inject]
    private GrainManager Grains { get; set; } = default!;

    [Inject]
    private SessionService Sessions { get; set; } = default!;

    [Inject]
    private Outpost.Server.Sharing.GrainAccess Access { get; set; } = default!;

    [Inject]
    private OutpostDbContext Db { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [Parameter]
    public string Id { get; set; } = "";

    [SupplyParameterFromForm(FormName = "rename", Name = "title")]
    private string? NewTitle { get; set; }

    private string AppTitle => _app?.Title ?? "Removed app";

    protected override async Task OnInitializedAsync()
    {
        _access = await Access.GetAsync(Id, [Principal.Account(HttpContext.User.AccountId())], CancellationToken.None);
        _grain = _access.HasAccess ? await Db.Grains.FirstOrDefaultAsync(g => g.Id == Id) : null;

        // Changing the grain itself (rename, trash, restart) is the owner's; a form posted by anyone else finds nothing.
        if (_grain is null || (!_access.IsOwner && !HttpMethods.IsGet(HttpContext.Request.Method)))
        {
            Navigation.NotFound();
            return;
        }

        _app = await AppView.FindAsync(Db, _grain.AppId, CancellationToken.None);

        // A form post is handled and redirected; only a page view needs a session (and its one-time link).
        if (HttpMethods.IsGet(HttpContext.Request.Method) && _grain.TrashedAt is null)
        {
            _session = await Sessions.CreateAsync(_grain, HttpContext.User.AccountId(), linkShareId: null, _access, HttpContext.Request, CancellationToken.None);

            // The frame's link works once: a page restored from the back-forward cache must be fetched again.
            HttpContext.Response.Headers.CacheControl = "no-store";
        }
    }

    private async Task RestartAsync()
    {
        // Stopping is enough: the reloaded page opens a new session, and its first request starts the grain.
        await Grains.StopAsync(_grain!.Id);
        Flash.Set(HttpContext, "Restarted.", FlashKind.Info);
        Navigation.NavigateTo($"/grains/{_grain.Id}");
    }

    private async Task RenameAsync()
    {
        try
        {
            await Grains.RenameAsync(_grain!, NewTitle ?? "", CancellationToken.None);
        }
        catch (GrainRequestException e)
        {
            _error = e.Message;
            return;
        }

        Navigation.NavigateTo($"/grains/{_grain!.Id}");
    }

    private async Task TrashAsync()
    {
        try
        {
            await Grains.SetTrashedAsync(_grain!, trashed: true, CancellationToken.None);
        }
        catch (GrainBusyException e)
        {
            _error = e.Message;
            return;
        }

        Flash.Set(HttpContext, $"Moved “{_grain!.Title}” to the trash.");
        Navigation.NavigateTo("/");
    }

    private async Task RestoreAsync()
    {
        await Grains.SetTrashedAsync(_grain!, trashed: false, CancellationToken.None);
        Flash.Set(HttpContext, $"Restored “{_grain!.Title}”.");
        Navigation.NavigateTo($"/grains/{_grain.Id}");
    }
}
