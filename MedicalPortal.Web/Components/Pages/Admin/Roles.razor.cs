using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Validation;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace MedicalPortal.Web.Components.Pages.Admin;

/// <summary>The permission matrix, one role at a time: resources down, Create / Retrieve / Update / Delete across.</summary>
public sealed partial class Roles
{
    private static readonly Operations[] EachOperation = [Operations.Create, Operations.Retrieve, Operations.Update, Operations.Delete];

    private List<RoleDto>? _roles;
    private string? _selected;
    private string? _error;
    private string? _newRole;
    private string? _newRoleError;
    private (string Role, string Message)? _grantError;
    private UserRights _rights = UserRights.None;

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

    private RoleDto? Selected => _roles?.FirstOrDefault(r => r.Name == _selected);

    protected override async Task OnInitializedAsync()
    {
        var user = await AuthenticationState.CurrentUserAsync();
        _rights = await Access.RightsAsync(user, CancellationToken.None);
        await LoadAsync();
        _selected ??= _roles?.FirstOrDefault()?.Name;
    }

    /// <summary>
    /// Whether the screen offers <paramref name="operation"/> on <paramref name="resource"/> to <paramref name="role"/>:
    /// never more than Retrieve on the audit log, and for the Patient role only what <see cref="PatientRoleGrants"/>
    /// allows, though a right it already holds can always be taken away. The service refuses the rest anyway.
    /// </summary>
    private static bool Grantable(RoleDto role, Resource resource, Operations operation) =>
        (resource != Resource.AuditLog || operation == Operations.Retrieve)
        && (!PatientRoleGrants.IsPatientRole(role.Name)
            || PatientRoleGrants.Grantable(resource).HasFlag(operation)
            || role.Granted(resource).HasFlag(operation));

    private static string ResourceLabel(Resource resource) => resource switch
    {
        Resource.MedicalStudy => "Study",
        Resource.AuditLog => "Audit log",
        _ => resource.ToString(),
    };

    private async Task LoadAsync()
    {
        try
        {
            _roles = [.. await RoleService.ListAsync(await AuthenticationState.CurrentUserAsync(), CancellationToken.None)];
        }
        catch (AccessDeniedException e)
        {
            _error = e.Message;
            _roles = null;
        }
    }

    private async Task ToggleAsync(RoleDto role, Resource resource, Operations operation, bool on)
    {
        var operations = on ? role.Granted(resource) | operation : role.Granted(resource) & ~operation;
        _grantError = null;
        await RunAsync(async user =>
        {
            await RoleService.GrantAsync(user, role.Name, resource, operations, CancellationToken.None);
            Snackbar.Add($"{role.Name}: {ResourceLabel(resource)} saved.", Severity.Success, o => o.VisibleStateDuration = 1500);
        }, onInvalid: e => _grantError = (role.Name, e.Message));
    }

    private async Task CreateAsync()
    {
        _newRoleError = null;
        await RunAsync(async user =>
        {
            var role = await RoleService.CreateAsync(user, _newRole, CancellationToken.None);
            _newRole = null;
            _selected = role.Name;
        }, onInvalid: e => _newRoleError = e.Message);
    }

    private async Task RenameAsync(RoleDto role)
    {
        var dialog = await Dialogs.ShowAsync<RenameRoleDialog>("Rename role",
            new DialogParameters<RenameRoleDialog> { { d => d.Name, role.Name } },
            new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: RoleDto renamed })
        {
            _selected = renamed.Name;
            await LoadAsync();
        }
    }

    private async Task DeleteAsync(RoleDto role)
    {
        if (await Dialogs.ShowMessageBoxAsync("Delete role", $"Delete the role {role.Name}?", yesText: "Delete", cancelText: "Keep") != true)
        {
            return;
        }

        await RunAsync(async user =>
        {
            await RoleService.DeleteAsync(user, role.Name, CancellationToken.None);
            _selected = null;
        });
        _selected ??= _roles?.FirstOrDefault()?.Name;
    }

    /// <summary>Runs a change, shows why it was refused if it was, and reloads the matrix either way.</summary>
    private async Task RunAsync(Func<ICurrentUser, Task> change, Action<ValidationFailedException>? onInvalid = null)
    {
        try
        {
            await change(await AuthenticationState.CurrentUserAsync());
            _error = null;
        }
        catch (ValidationFailedException e) when (onInvalid is not null)
        {
            onInvalid(e);
        }
        catch (Exception e) when (e is ValidationFailedException or AccessDeniedException or RecordNotFoundException)
        {
            _error = e.Message;
        }

        await LoadAsync();
    }
}
