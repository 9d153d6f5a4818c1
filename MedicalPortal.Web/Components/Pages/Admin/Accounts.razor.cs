using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Validation;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Admin;

/// <summary>Staff accounts: open, re-role, lock, unlock, reset, delete. Patients' own accounts are not listed here.</summary>
public sealed partial class Accounts
{
    private List<AccountDto>? _accounts;
    private List<string> _staffRoles = [];
    private string? _error;
    private UserRights _rights = UserRights.None;

    [Inject]
    private AccountService AccountService { get; set; } = default!;

    [Inject]
    private RoleService RoleService { get; set; } = default!;

    [Inject]
    private AccessControl Access { get; set; } = default!;

    [Inject]
    private IDialogService Dialogs { get; set; } = default!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var user = await AuthenticationState.CurrentUserAsync();
        _rights = await Access.RightsAsync(user, CancellationToken.None);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var user = await AuthenticationState.CurrentUserAsync();
        try
        {
            _accounts = [.. await AccountService.ListStaffAsync(user, CancellationToken.None)];
        }
        catch (AccessDeniedException e)
        {
            _error = e.Message;
            _accounts = null;
            return;
        }

        try
        {
            _staffRoles = (await RoleService.ListAsync(user, CancellationToken.None))
                .Select(r => r.Name).Where(r => !string.Equals(r, RoleNames.Patient, StringComparison.OrdinalIgnoreCase)).ToList();
        }
        catch (AccessDeniedException)
        {
            // Without Role Retrieve the roles cannot be listed; each account still shows its own.
            _staffRoles = _accounts.SelectMany(a => a.Roles).Distinct(StringComparer.Ordinal).ToList();
        }
    }

    private Task ChangeRoleAsync(AccountDto account, string role) =>
        RunAsync(async user =>
        {
            await AccountService.ChangeRoleAsync(user, account.Id, role, CancellationToken.None);
            Snackbar.Add($"{account.Email} is now {role}.", Severity.Success);
        });

    private Task SetLockedAsync(AccountDto account, bool locked) =>
        RunAsync(async user =>
        {
            if (locked)
            {
                await AccountService.LockAsync(user, account.Id, CancellationToken.None);
            }
            else
            {
                await AccountService.UnlockAsync(user, account.Id, CancellationToken.None);
            }

            Snackbar.Add($"{account.Email} is {(locked ? "locked: its sessions end within a minute" : "unlocked")}.", Severity.Success);
        });

    private async Task ResetPasswordAsync(AccountDto account)
    {
        var dialog = await Dialogs.ShowAsync<ResetPasswordDialog>($"New password for {account.Email}",
            new DialogParameters<ResetPasswordDialog> { { d => d.AccountId, account.Id } },
            new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("The new password is set; the account's open sessions have ended.", Severity.Success);
        }
    }

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<NewStaffAccountDialog>("New staff account",
            new DialogParameters<NewStaffAccountDialog> { { d => d.Roles, _staffRoles } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true });
        if (await dialog.Result is { Canceled: false, Data: AccountDto created })
        {
            Snackbar.Add($"{created.Email} can now sign in.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task DeleteAsync(AccountDto account)
    {
        if (await Dialogs.ShowMessageBoxAsync("Delete account",
                $"Delete the account {account.Email}? Locking it instead can be undone.", yesText: "Delete", cancelText: "Keep") != true)
        {
            return;
        }

        await RunAsync(user => AccountService.DeleteAsync(user, account.Id, CancellationToken.None));
    }

    private async Task RunAsync(Func<ICurrentUser, Task> change)
    {
        try
        {
            await change(await AuthenticationState.CurrentUserAsync());
            _error = null;
        }
        catch (Exception e) when (e is ValidationFailedException or AccessDeniedException or RecordNotFoundException)
        {
            _error = e.Message;
        }

        await LoadAsync();
    }
}
