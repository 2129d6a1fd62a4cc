using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Outpost.Data;
using Outpost.Data.Catalogs;
using Outpost.Server.Catalogs;
using Outpost.Server.Shell;
using Outpost.Server.Updates;

namespace Outpost.Server.Components.Pages.Admin;

/// <summary>Followed catalogs (subscribe, unsubscribe, check now) and version pins.</summary>
public partial class AdminCatalogs
{
    private List<CatalogSubscription> _catalogs = [];
    private List<PinRow> _apps = [];
    private CatalogCheckReport? _report;
    private string? _error;

    [Inject]
    private CatalogService Catalogs { get; set; } = default!;

    [Inject]
    private OutpostDbContext Db { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "catalog-subscribe")]
    private string? Url { get; set; }

    [SupplyParameterFromForm(FormName = "catalog-subscribe")]
    private string? Key { get; set; }

    [SupplyParameterFromForm(FormName = "catalog-remove", Name = "remove")]
    private int? RemoveId { get; set; }

    /// <summary>"APP_ID:VERSION" to pin, "APP_ID:" to unpin.</summary>
    [SupplyParameterFromForm(FormName = "app-pin", Name = "pin")]
    private string? Pin { get; set; }

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        _catalogs = await Catalogs.ListAsync(CancellationToken.None);
        var versions = await Db.AppVersions.AsNoTracking().Select(v => new { v.AppId, v.Version }).ToListAsync();
        _apps = (await Db.Apps.AsNoTracking().ToListAsync())
            .OrderBy(a => a.Title, StringComparer.OrdinalIgnoreCase)
            .Select(a => new PinRow(a.AppId, a.Title, a.PinnedVersion, versions.Where(v => v.AppId == a.AppId).Select(v => v.Version).Order().ToList()))
            .ToList();
    }

    private async Task SubscribeAsync()
    {
        try
        {
            var added = await Catalogs.SubscribeAsync((Url ?? "").Trim(), (Key ?? "").Trim(), CancellationToken.None);
            Flash.Set(HttpContext, $"Subscribed to {added.Title}.");
            Navigation.NavigateTo("/admin/catalogs");
        }
        catch (CatalogException e)
        {
            _error = e.Message;
        }
    }

    private async Task UnsubscribeAsync()
    {
        if (RemoveId is int id && await Catalogs.UnsubscribeAsync(id, CancellationToken.None))
        {
            Flash.Set(HttpContext, "Unsubscribed. Installed apps stay.");
            Navigation.NavigateTo("/admin/catalogs");
            return;
        }

        _error = "That catalog is not followed.";
    }

    private async Task CheckAsync()
    {
        _report = await Catalogs.CheckAsync(CancellationToken.None);
        await LoadAsync();
    }

    private async Task PinAsync()
    {
        var parts = (Pin ?? "").Split(':');
        int? version = parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        if (parts.Length != 2 || (parts[1].Length > 0 && version is null))
        {
            _error = "That version is not installed.";
            return;
        }

        var (result, message) = await AppPins.SetAsync(Db, parts[0], version, CancellationToken.None);
        if (result != AppPins.Result.Done)
        {
            _error = message;
            return;
        }

        Flash.Set(HttpContext, message);
        Navigation.NavigateTo("/admin/catalogs");
    }

    private sealed record PinRow(string AppId, string Title, int? PinnedVersion, List<int> Versions);
}
