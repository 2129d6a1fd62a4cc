using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Outpost.Core.Sharing;
using Outpost.Data;
using Outpost.Data.Grains;
using Outpost.Packaging;
using Outpost.Server.Accounts;
using Outpost.Server.Shell;
using Outpost.Server.Sharing;

namespace Outpost.Server.Components.Pages.Sharing;

/// <summary>A role someone may pass on (they hold all it grants), with what it allows in the app's words ("Edit notes", or "View only").</summary>
public sealed record ShareableRole(string Id, string Title, bool Default, string? Description);

/// <summary>
/// Sharing a grain: with a person, by secret link, and the list of who has access with role changes and
/// revocation. Anyone with access may share onward, never more than they hold; the list shows everyone.
/// </summary>
public partial class SharingPage
{
    private GrainRecord? _grain;
    private List<ShareableRole> _roles = [];
    private List<AccessEntry> _entries = [];
    private Dictionary<string, string> _roleTitles = [];
    private string? _error;
    private string? _created;
    private string? _createdRole;

    [Inject]
    private ShareService Shares { get; set; } = default!;

    [Inject]
    private GrainAccess Access { get; set; } = default!;

    [Inject]
    private OutpostDbContext Db { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    [Parameter]
    public string Id { get; set; } = "";

    [SupplyParameterFromForm(Name = "person")]
    private string? Person { get; set; }

    [SupplyParameterFromForm(Name = "role")]
    private string? Role { get; set; }

    [SupplyParameterFromForm(Name = "label")]
    private string? Label { get; set; }

    [SupplyParameterFromForm(Name = "expires")]
    private string? Expires { get; set; }

    [SupplyParameterFromForm(Name = "signin")]
    private bool SignIn { get; set; }

    protected override async Task OnInitializedAsync()
    {
        var me = Principal.Account(HttpContext.User.AccountId());
        var sharing = await Access.LoadAsync(Db, Id, CancellationToken.None);
        var held = sharing?.Evaluate([me], DateTimeOffset.UtcNow) ?? AccessResult.None;
        if (!held.HasAccess)
        {
            Navigation.NotFound();
            return;
        }

        _grain = sharing!.Grain;
        var app = await Db.Apps.AsNoTracking().FirstAsync(a => a.AppId == _grain.AppId);
        var manifest = Manifest.Parse(System.Text.Encoding.UTF8.GetBytes(app.ManifestJson));
        var permissionTitles = manifest.Permissions.ToDictionary(p => p.Id, p => p.Title, StringComparer.Ordinal);
        var holds = held.Permissions.ToHashSet(StringComparer.Ordinal);
        _roleTitles = manifest.Roles.ToDictionary(r => r.Id, r => r.Title, StringComparer.Ordinal);
        _roles = [.. manifest.Roles
            .Where(r => r.Permissions.All(holds.Contains))
            .Select(r => new ShareableRole(r.Id, r.Title, r.Default,
                r.Permissions.Count == 0 ? "View only" : string.Join(", ", r.Permissions.Select(p => permissionTitles.GetValueOrDefault(p, p)))))];
        await LoadEntriesAsync();
    }

    private async Task LoadEntriesAsync() => _entries = await Shares.AccessAsync(Id, HttpContext.User, CancellationToken.None);

    private Task SharePersonAsync() => RunAsync(async () =>
    {
        await Shares.CreateAsync(Id, new CreateShareRequest { Role = Role ?? "", Person = Person }, HttpContext, CancellationToken.None);
        Flash.Set(HttpContext, $"Shared with {Person!.Trim()} as {RoleTitle(Role)}.");
        Navigation.NavigateTo($"/grains/{Id}/sharing");
    });

    private Task ShareLinkAsync() => RunAsync(async () =>
    {
        var created = await Shares.CreateAsync(Id, new CreateShareRequest
        {
            Role = Role ?? "",
            Label = Label,
            ExpiresIn = string.IsNullOrEmpty(Expires) ? null : Expires,
            SignInRequired = SignIn,
        }, HttpContext, CancellationToken.None);

        // Shown in this response only, never put in a redirect: the link is a secret and must not reach history or logs.
        _created = created.Url;
        _createdRole = Role;
        HttpContext.Response.Headers.CacheControl = "no-store";
        await LoadEntriesAsync();
    });

    private Task ChangeRoleAsync(AccessEntry entry) => RunAsync(async () =>
    {
        await Shares.ChangeRoleAsync(entry.ShareId!, Role ?? "", HttpContext, CancellationToken.None);
        Flash.Set(HttpContext, $"{entry.Name ?? "The link"} now has the role {RoleTitle(Role)}.");
        Navigation.NavigateTo($"/grains/{Id}/sharing");
    });

    private Task RevokeAsync(AccessEntry entry) => RunAsync(async () =>
    {
        await Shares.RevokeAsync(entry.ShareId!, HttpContext, CancellationToken.None);
        Flash.Set(HttpContext, $"Revoked the access of {entry.Name ?? "the link"}.");
        Navigation.NavigateTo($"/grains/{Id}/sharing");
    });

    private async Task RunAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (ShareRequestException e)
        {
            _error = e.Detail;
        }
    }

    private string RoleTitle(string? roleId) => roleId is null ? "" : _roleTitles.GetValueOrDefault(roleId, roleId);

    private static string KindText(AccessEntry entry) => entry.Kind switch
    {
        "owner" => "Owner",
        "link" => entry.SignInRequired ? "Secret link · sign-in required" : "Secret link",
        _ => "Person",
    };
}
