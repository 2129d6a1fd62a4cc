using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Outpost.Server.ServerBackups;
using Outpost.Server.Shell;

namespace Outpost.Server.Components.Pages.Admin;

/// <summary>Whole-server backups: the settings, the last run, the snapshots, and "Back up now".</summary>
public partial class AdminBackups
{
    private ServerBackupOptions _settings = new();
    private ServerBackupStatus _status = new();
    private List<SnapshotSummary> _snapshots = [];
    private string? _error;

    [Inject]
    private ServerBackups.ServerBackups Backups { get; set; } = default!;

    [Inject]
    private IOptionsMonitor<ServerBackupOptions> Options { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    protected override void OnInitialized()
    {
        _settings = Options.CurrentValue;
        _status = Backups.Status;
        try
        {
            _snapshots = Backups.List();
        }
        catch (Exception e) when (e is Packaging.BackupException or IOException or UnauthorizedAccessException)
        {
            _error = $"The snapshots cannot be listed: {e.Message}";
        }
    }

    private void BackUpNow()
    {
        if (_settings.Directory is null)
        {
            _error = "Server backups are off: set a backup directory first.";
            return;
        }

        // The run goes on in the background; its outcome shows here (and in the log) when it ends.
        _ = Backups.StartAsync().ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
        Flash.Set(HttpContext, "Backup started. Reload this page to follow it.");
        Navigation.NavigateTo("/admin/backups");
    }
}
