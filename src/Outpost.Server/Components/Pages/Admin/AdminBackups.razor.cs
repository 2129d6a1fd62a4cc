using System.Globalization;
using Microsoft.AspNetCore.Components;
using Outpost.Server.ServerBackups;
using Outpost.Server.Shell;

namespace Outpost.Server.Components.Pages.Admin;

/// <summary>Whole-server backups: the settings (saved here, applied without a restart), the last run, the snapshots, and "Back up now".</summary>
public partial class AdminBackups
{
    private ServerBackupOptions _settings = new();
    private ServerBackupStatus _status = new();
    private List<SnapshotSummary> _snapshots = [];
    private List<string> _errors = [];

    [Inject]
    private ServerBackups.ServerBackups Backups { get; set; } = default!;

    [Inject]
    private ServerBackupSettings Settings { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "backup-settings")]
    private string? Directory { get; set; }

    [SupplyParameterFromForm(FormName = "backup-settings")]
    private string? Schedule { get; set; }

    [SupplyParameterFromForm(FormName = "backup-settings")]
    private string? KeepDaily { get; set; }

    [SupplyParameterFromForm(FormName = "backup-settings")]
    private string? KeepWeekly { get; set; }

    [SupplyParameterFromForm(FormName = "backup-settings")]
    private string? KeepLast { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _settings = await Settings.CurrentAsync(CancellationToken.None);
        Directory ??= _settings.Directory ?? "";
        Schedule ??= _settings.Schedule.ToString("c", CultureInfo.InvariantCulture);
        KeepDaily ??= _settings.KeepDaily.ToString(CultureInfo.InvariantCulture);
        KeepWeekly ??= _settings.KeepWeekly.ToString(CultureInfo.InvariantCulture);
        KeepLast ??= _settings.KeepLast.ToString(CultureInfo.InvariantCulture);
        _status = Backups.Status;
        try
        {
            _snapshots = Backups.List(_settings.Directory);
        }
        catch (Exception e) when (e is Packaging.BackupException or IOException or UnauthorizedAccessException)
        {
            _errors = [$"The snapshots cannot be listed: {e.Message}"];
        }
    }

    private async Task SaveAsync()
    {
        _errors = await Settings.SaveAsync(Directory, Schedule, KeepDaily, KeepWeekly, KeepLast, CancellationToken.None);
        if (_errors.Count == 0)
        {
            Flash.Set(HttpContext, "Backup settings saved.");
            Navigation.NavigateTo("/admin/backups");
        }
    }

    private void BackUpNow()
    {
        if (_settings.Directory is null)
        {
            _errors = ["Server backups are off: set a backup directory first."];
            return;
        }

        // The run goes on in the background; its outcome shows here (and in the log) when it ends.
        _ = Backups.StartAsync().ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
        Flash.Set(HttpContext, "Backup started. Reload this page to follow it.");
        Navigation.NavigateTo("/admin/backups");
    }
}
