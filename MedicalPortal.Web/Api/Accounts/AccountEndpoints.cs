using System.Security.Claims;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalPortal.Web.Api.Accounts;

/// <summary>Staff accounts (the Account resource): what the Accounts screen does, for scripts and tests.</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder api)
    {
        var accounts = api.MapGroup("/accounts").WithTags("Accounts");
        accounts.MapGet("/", ListAsync).WithSummary("Staff accounts.");
        accounts.MapPost("/", CreateAsync).WithSummary("Opens a staff account with a role.");
        accounts.MapPut("/{id}/role", ChangeRoleAsync).WithSummary("Gives the account another role.");
        accounts.MapPost("/{id}/lock", LockAsync).WithSummary("Locks the account: its sessions and tokens stop working.");
        accounts.MapDelete("/{id}/lock", UnlockAsync).WithSummary("Unlocks the account.");
        accounts.MapPut("/{id}/password", ResetPasswordAsync).WithSummary("Sets a new password.");
        accounts.MapDelete("/{id}", DeleteAsync).WithSummary("Deletes a staff account.");
    }

    private static async Task<Ok<ListResponse<AccountDto>>> ListAsync(AccountService service, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResponse<AccountDto>(await service.ListStaffAsync(PrincipalUser.From(user), cancellationToken)));

    private static async Task<Created<AccountDto>> CreateAsync(
        AccountService service, ClaimsPrincipal user, StaffAccountInput body, CancellationToken cancellationToken)
    {
        var account = await service.CreateStaffAsync(PrincipalUser.From(user), body, cancellationToken);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/accounts/{account.Id}", account);
    }

    private static async Task<Ok<AccountDto>> ChangeRoleAsync(
        AccountService service, ClaimsPrincipal user, string id, RoleRequest body, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.ChangeRoleAsync(PrincipalUser.From(user), id, body.Role, cancellationToken));

    private static async Task<Ok<AccountDto>> LockAsync(AccountService service, ClaimsPrincipal user, string id, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.LockAsync(PrincipalUser.From(user), id, cancellationToken));

    private static async Task<Ok<AccountDto>> UnlockAsync(AccountService service, ClaimsPrincipal user, string id, CancellationToken cancellationToken) =>
        TypedResults.Ok(await service.UnlockAsync(PrincipalUser.From(user), id, cancellationToken));

    private static async Task<NoContent> ResetPasswordAsync(
        AccountService service, ClaimsPrincipal user, string id, PasswordRequest body, CancellationToken cancellationToken)
    {
        await service.ResetPasswordAsync(PrincipalUser.From(user), id, body.Password, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> DeleteAsync(AccountService service, ClaimsPrincipal user, string id, CancellationToken cancellationToken)
    {
        await service.DeleteAsync(PrincipalUser.From(user), id, cancellationToken);
        return TypedResults.NoContent();
    }

    internal sealed record RoleRequest(string? Role);

    internal sealed record PasswordRequest(string? Password);
}
