using System.Security.Claims;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Web.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MedicalPortal.Web.Api.Accounts;

/// <summary>
/// Accounts (the Account resource): what the Staff accounts screen does, and finding a patient's online account to lock
/// or unlock it as the patient's record does, for scripts and tests.
/// </summary>
internal static class AccountEndpoints
{
    /// <summary>The same for a patient who never registered and for an id that is no patient's.</summary>
    internal const string NoOnlineAccount = "This patient has no online account.";

    public static void MapAccountEndpoints(this IEndpointRouteBuilder api)
    {
        var accounts = api.MapGroup("/accounts").WithTags("Accounts");
        accounts.MapGet("/", ListAsync).WithName("ListStaffAccounts").WithSummary("Staff accounts.");
        accounts.MapPost("/", CreateAsync).WithName("CreateStaffAccount")
            .WithSummary("Opens a staff account with a role.");
        accounts.MapPut("/{id}/role", ChangeRoleAsync).WithName("ChangeAccountRole")
            .WithSummary("Gives the account another role.");
        accounts.MapPost("/{id}/lock", LockAsync).WithName("LockAccount")
            .WithSummary("Locks a staff or patient account: its sessions and tokens stop working.");
        accounts.MapDelete("/{id}/lock", UnlockAsync).WithName("UnlockAccount")
            .WithSummary("Unlocks a staff or patient account.");
        accounts.MapPut("/{id}/password", ResetPasswordAsync).WithName("ResetAccountPassword")
            .WithSummary("Sets a new password.");
        accounts.MapDelete("/{id}", DeleteAsync).WithName("DeleteStaffAccount").WithSummary("Deletes a staff account.");

        api.MapGet("/patients/{id:guid}/account", FindForPatientAsync).WithName("GetPatientAccount").ProducesProblem(StatusCodes.Status503ServiceUnavailable).WithTags("Accounts")
            .WithSummary("The patient's online account (404 when the patient has none), to lock or unlock through /accounts/{id}/lock.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<ListResponse<AccountDto>>> ListAsync(AccountService service, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ListResponse<AccountDto>(await service.ListStaffAsync(PrincipalUser.From(user), cancellationToken)));

    private static async Task<Results<Ok<AccountDto>, ProblemHttpResult>> FindForPatientAsync(
        AccountService service, ClaimsPrincipal user, Guid id, CancellationToken cancellationToken) =>
        await service.FindForPatientAsync(PrincipalUser.From(user), id, cancellationToken) is { } account
            ? TypedResults.Ok(account)
            : TypedResults.Problem(NoOnlineAccount, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

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

    internal sealed record RoleRequest(string? Role = null);

    internal sealed record PasswordRequest(string? Password = null);
}
