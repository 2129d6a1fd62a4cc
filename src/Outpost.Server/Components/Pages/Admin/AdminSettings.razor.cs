using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Outpost.Cluster.Grains;
using Outpost.Server.Hosting;
using Outpost.Server.Settings;
using Outpost.Server.Shell;

namespace Outpost.Server.Components.Pages.Admin;

/// <summary>
/// Server settings. Each field shows the value in force (stored from this page, else configured); saving stores
/// only what changed, so a value left alone keeps following the configuration.
/// </summary>
public partial class AdminSettings
{
    private static readonly string[] RestartKeys = ["BaseUrl", "BaseDomain", "IdleTimeout"];

    private List<string> _errors = [];
    private Dictionary<string, string> _current = [];

    [Inject]
    private SettingsStore Settings { get; set; } = default!;

    [Inject]
    private IOptions<OutpostOptions> ServerOptions { get; set; } = default!;

    [Inject]
    private IOptions<GrainLifecycleOptions> Lifecycle { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [SupplyParameterFromForm(FormName = "settings")]
    private string? BaseUrl { get; set; }

    [SupplyParameterFromForm(FormName = "settings")]
    private string? BaseDomain { get; set; }

    [SupplyParameterFromForm(FormName = "settings")]
    private string? IdleTimeout { get; set; }

    [SupplyParameterFromForm(FormName = "settings")]
    private bool OpenSignup { get; set; }

    [SupplyParameterFromForm(FormName = "settings")]
    private string? AccessLogRetentionDays { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var stored = await Settings.GetAllAsync(CancellationToken.None);
        _current = new Dictionary<string, string>
        {
            ["BaseUrl"] = stored.GetValueOrDefault("BaseUrl") ?? ServerOptions.Value.BaseUrl ?? "",
            ["BaseDomain"] = stored.GetValueOrDefault("BaseDomain") ?? ServerOptions.Value.BaseDomain,
            ["IdleTimeout"] = stored.GetValueOrDefault("IdleTimeout") ?? Lifecycle.Value.IdleTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["OpenSignup"] = stored.GetValueOrDefault("OpenSignup") ?? (ServerOptions.Value.OpenSignup ? "true" : "false"),
            ["AccessLogRetentionDays"] = stored.GetValueOrDefault("AccessLogRetentionDays") ?? ServerOptions.Value.AccessLogRetentionDays.ToString(CultureInfo.InvariantCulture),
        };

        if (HttpMethods.IsGet(HttpContext.Request.Method))
        {
            BaseUrl = _current["BaseUrl"];
            BaseDomain = _current["BaseDomain"];
            IdleTimeout = _current["IdleTimeout"];
            OpenSignup = _current["OpenSignup"] == "true";
            AccessLogRetentionDays = _current["AccessLogRetentionDays"];
        }
    }

    private async Task SaveAsync()
    {
        var posted = new Dictionary<string, string>
        {
            ["BaseUrl"] = (BaseUrl ?? "").Trim(),
            ["BaseDomain"] = (BaseDomain ?? "").Trim(),
            ["IdleTimeout"] = (IdleTimeout ?? "").Trim(),
            ["OpenSignup"] = OpenSignup ? "true" : "false",
            ["AccessLogRetentionDays"] = (AccessLogRetentionDays ?? "").Trim(),
        };

        var changed = new List<string>();
        foreach (var (key, value) in posted)
        {
            if (value == _current[key])
            {
                continue;
            }

            if (await Settings.SetAsync(key, value, CancellationToken.None) is { } error)
            {
                _errors.Add(error);
            }
            else
            {
                changed.Add(key);
            }
        }

        if (_errors.Count > 0)
        {
            return; // the valid ones are saved; the form keeps what was typed so the rest can be fixed
        }

        Flash.Set(HttpContext, changed.Count == 0 ? "Nothing changed."
            : changed.Any(RestartKeys.Contains) ? "Settings saved. Restart Outpost to apply the base URL, base domain and idle timeout."
            : "Settings saved.");
        Navigation.NavigateTo("/admin/settings");
    }
}
