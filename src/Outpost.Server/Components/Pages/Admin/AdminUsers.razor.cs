using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;
using Outpost.Data.Accounts;
using Outpost.Server.Accounts;
using Outpost.Server.Hosting;
using Outpost.Server.Shell;

namespace Outpost.Server.Components.Pages.Admin;

/// <summary>Users: invite someone, change a role, disable or enable an account.</summary>
public partial class AdminUsers
{
    private static readonly AccountRole[] Roles = [AccountRole.Visitor, AccountRole.User, AccountRole.Admin];

    private List<AccountSummary> _accounts = [];
    private string _me = "";
    private string? _error;
    private string? _invitationUrl;

    [Inject]
    private AccountManager Accounts { get; set; } = default!;

    [Inject]
    private InvitationService Invitations { get; set; } = default!;

    [Inject]
    private IOptions<OutpostOptions> Options { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    /// <summary>Posted by both the invitation form and each row's role form.</summary>
    [SupplyParameterFromForm(Name = "role")]
    private string? Role { get; set; }

    [SupplyParameterFromForm(FormName = "invite", Name = "note")]
    private string? Note { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _me = HttpContext.User.AccountId();
        _accounts = await Accounts.ListAsync(CancellationToken.None);
    }

    private async Task InviteAsync()
    {
        if (!Enum.TryParse<AccountRole>(Role, out var role) || !Enum.IsDefined(role))
        {
            _error = "Choose a role for the new account.";
            return;
        }

        var token = await Invitations.InviteAsync(role, string.IsNullOrWhiteSpace(Note) ? null : Note.Trim(), _me, null, CancellationToken.None);

        // Shown in this response rather than after a redirect: the link is a secret, and should not travel
        // through a cookie or an address bar to get here.
        var baseUrl = string.IsNullOrEmpty(Options.Value.BaseUrl) ? $"{HttpContext.Request.Scheme}://{HttpContext.Request.Host}" : Options.Value.BaseUrl.TrimEnd('/');
        _invitationUrl = $"{baseUrl}/invite/{token}";
    }

    private async Task SaveRoleAsync(AccountSummary account)
    {
        if (!Enum.TryParse<AccountRole>(Role, out var role) || !Enum.IsDefined(role))
        {
            _error = "Choose a role.";
            return;
        }

        var error = await Accounts.UpdateAsync(account.Id, role, disabled: null, _me);
        if (error is not null)
        {
            _error = error;
            return;
        }

        Flash.Set(HttpContext, $"{account.Name} is now {(role == AccountRole.Admin ? "an admin" : role == AccountRole.User ? "a user" : "a visitor")}.");
        Navigation.NavigateTo("/admin/users");
    }

    private async Task SetDisabledAsync(AccountSummary account, bool disabled)
    {
        var error = await Accounts.UpdateAsync(account.Id, role: null, disabled, _me);
        if (error is not null)
        {
            _error = error;
            return;
        }

        Flash.Set(HttpContext, disabled ? $"Disabled {account.Name}'s account. They are signed out within a minute." : $"Enabled {account.Name}'s account.");
        Navigation.NavigateTo("/admin/users");
    }
}
