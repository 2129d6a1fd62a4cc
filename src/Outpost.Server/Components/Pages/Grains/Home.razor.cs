using Microsoft.AspNetCore.Components;
using Outpost.Data;
using Outpost.Server.Accounts;
using Outpost.Server.Apps;
using Outpost.Server.Grains;
using Outpost.Server.Shell;

namespace Outpost.Server.Components.Pages.Grains;

/// <summary>
/// The grains page: create a grain from an app's action, find one (search, sort), rename it or move it to the
/// trash. Search and sort work from the query string, and shell.js applies them as you type.
/// </summary>
public partial class Home
{
    private List<AppView> _apps = [];
    private List<GrainSummary> _grains = [];
    private List<GrainSummary> _shared = [];
    private bool _canCreate;
    private string? _error;

    [Inject]
    private GrainManager Grains { get; set; } = default!;

    [Inject]
    private OutpostDbContext Db { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "q")]
    private string? Query { get; set; }

    [SupplyParameterFromQuery(Name = "sort")]
    private string? Sort { get; set; }

    [SupplyParameterFromQuery(Name = "rename")]
    private string? RenameId { get; set; }

    [SupplyParameterFromForm(FormName = "grain-actions", Name = "trash")]
    private string? TrashId { get; set; }

    [SupplyParameterFromForm(FormName = "rename", Name = "grain")]
    private string? RenameGrainId { get; set; }

    [SupplyParameterFromForm(FormName = "rename", Name = "title")]
    private string? NewTitle { get; set; }

    private string SortKey => Sort is "title" or "app" ? Sort : "opened";

    /// <summary>This page with the current search and sort, for "Cancel" and after a change.</summary>
    private string ListUrl => Navigation.GetUriWithQueryParameters("/", new Dictionary<string, object?>
    {
        ["q"] = string.IsNullOrWhiteSpace(Query) ? null : Query,
        ["sort"] = SortKey == "opened" ? null : SortKey,
    });

    protected override async Task OnInitializedAsync()
    {
        _canCreate = HttpContext.User.CanCreate();
        if (HttpContext.Request.Cookies[Backups.BackupsApi.RestoreErrorCookie] is { Length: > 0 } restoreError)
        {
            // Set by the restore form's endpoint when the restore failed; shown once.
            _error = restoreError;
            HttpContext.Response.Cookies.Delete(Backups.BackupsApi.RestoreErrorCookie);
        }

        _apps = await AppView.LoadAsync(Db, CancellationToken.None);
        var grains = await Grains.ListAsync(HttpContext.User.AccountId(), trash: false, CancellationToken.None);
        _shared = await Grains.ListSharedWithAsync(HttpContext.User.AccountId(), CancellationToken.None);
        _grains = SortKey switch
        {
            "title" => grains.OrderBy(g => g.Title, StringComparer.CurrentCultureIgnoreCase).ToList(),
            "app" => grains.OrderBy(g => g.AppTitle, StringComparer.CurrentCultureIgnoreCase).ThenBy(g => g.Title, StringComparer.CurrentCultureIgnoreCase).ToList(),
            _ => grains.OrderByDescending(g => g.LastOpenedAt ?? g.CreatedAt).ToList(),
        };
    }

    private bool Matches(GrainSummary grain) =>
        string.IsNullOrWhiteSpace(Query)
        || grain.Title.Contains(Query.Trim(), StringComparison.CurrentCultureIgnoreCase)
        || grain.AppTitle.Contains(Query.Trim(), StringComparison.CurrentCultureIgnoreCase);

    private async Task TrashAsync()
    {
        var grain = TrashId is null ? null : await Grains.FindOwnedAsync(TrashId, HttpContext.User.AccountId(), isAdmin: false, CancellationToken.None);
        if (grain is null)
        {
            _error = "That grain no longer exists.";
            return;
        }

        try
        {
            await Grains.SetTrashedAsync(grain, trashed: true, CancellationToken.None);
        }
        catch (GrainBusyException e)
        {
            _error = e.Message;
            return;
        }

        Flash.Set(HttpContext, $"Moved “{grain.Title}” to the trash.");
        Navigation.NavigateTo(ListUrl);
    }

    private async Task RenameAsync()
    {
        var grain = RenameGrainId is null ? null : await Grains.FindOwnedAsync(RenameGrainId, HttpContext.User.AccountId(), isAdmin: false, CancellationToken.None);
        if (grain is null)
        {
            _error = "That grain no longer exists.";
            return;
        }

        try
        {
            await Grains.RenameAsync(grain, NewTitle ?? "", CancellationToken.None);
        }
        catch (GrainRequestException e)
        {
            _error = e.Message;
            return;
        }

        Flash.Set(HttpContext, $"Renamed to “{grain.Title}”.");
        Navigation.NavigateTo(ListUrl);
    }
}
