using System.Net;
using System.Text;
using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Account.Pages;

/// <summary>
/// The account pages that take a new password (registration, change, reset) refuse what the password policy refuses
/// (issue 16, item 6), with its message, and keep the old password; a form in a browser, as a person would fill it.
/// Each test opens a Doctor account of its own (a role that needs no second factor).
/// </summary>
public sealed class PasswordPagesTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const string Password = ApiRequests.StaffPassword;

    [Fact]
    public async Task Register_CommonPassword_ShowsThePolicyMessageAndRegistersNobody()
    {
        // Arrange
        using var browser = AccountPages.Anonymous(portal);
        var email = ApiRequests.UniqueEmail("patient");

        // Act
        using var response = await browser.SubmitAsync("/Account/Register", "register", new()
        {
            ["Input.GivenName"] = "Selfreg",
            ["Input.FamilyName"] = ApiRequests.UniqueLetters(),
            ["Input.BirthDate"] = "1990-02-03",
            ["Input.Sex"] = "Other",
            ["Input.Email"] = email,
            ["Input.Password"] = "password1234",
            ["Input.ConfirmPassword"] = "password1234",
        });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(PasswordPolicy.Common, await HtmlAsync(response), StringComparison.Ordinal);
        Assert.Null(await FindAsync(email));
    }

    [Fact]
    public async Task ChangePassword_CommonPassword_ShowsThePolicyMessageAndKeepsTheOldPassword()
    {
        // Arrange
        var email = await NewDoctorAsync();
        using var browser = await AccountPages.SignInAsync(portal, email, Password);

        // Act
        using var response = await ChangePasswordAsync(browser, "password1234");

        // Assert
        Assert.Contains($"Error: {PasswordPolicy.Common}", await HtmlAsync(response), StringComparison.Ordinal);
        Assert.True(await PasswordWorksAsync(email, Password));
    }

    /// <summary>The template's page allowed at most 100 characters where the rules allow 128: the rules decide now.</summary>
    [Fact]
    public async Task ChangePassword_OfMoreThanAHundredCharacters_IsTakenAsTheRulesAllow()
    {
        // Arrange
        var email = await NewDoctorAsync();
        using var browser = await AccountPages.SignInAsync(portal, email, Password);
        var sentence = string.Join(" ", Enumerable.Repeat("a quiet harbour at dawn", 5));

        // Act
        using var response = await ChangePasswordAsync(browser, sentence);

        // Assert
        Assert.True(sentence.Length is > 100 and <= AccountRules.PasswordMaxLength);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.True(await PasswordWorksAsync(email, sentence));
    }

    [Fact]
    public async Task ResetPassword_TheAccountsOwnName_ShowsThePolicyMessageAndKeepsTheOldPassword()
    {
        // Arrange
        var email = await NewDoctorAsync();
        var code = await ResetCodeAsync(email);
        using var browser = AccountPages.Anonymous(portal);

        // Act
        using var response = await browser.SubmitAsync($"/Account/ResetPassword?code={code}", "reset-password", new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "Testy Staffmember 1",
            ["Input.ConfirmPassword"] = "Testy Staffmember 1",
        });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(PasswordPolicy.OwnDetails, await HtmlAsync(response), StringComparison.Ordinal);
        Assert.True(await PasswordWorksAsync(email, Password));
    }

    private static Task<HttpResponseMessage> ChangePasswordAsync(AccountPages browser, string newPassword) =>
        browser.SubmitAsync("/Account/Manage/ChangePassword", "change-password", new()
        {
            ["Input.OldPassword"] = Password,
            ["Input.NewPassword"] = newPassword,
            ["Input.ConfirmPassword"] = newPassword,
        });

    private static async Task<string> HtmlAsync(HttpResponseMessage response) =>
        WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private async Task<string> NewDoctorAsync()
    {
        var email = ApiRequests.UniqueEmail("doctor");
        await portal.Services.GetRequiredService<IAccountDirectory>().CreateStaffAsync(
            AuditActor.System,
            new StaffAccountInput { Email = email, DisplayName = "Testy Staffmember", Role = RoleNames.Doctor, Password = Password },
            CancellationToken.None);
        return email;
    }

    /// <summary>The link an administrator would hand over: Identity's reset token, encoded as the page expects it.</summary>
    private async Task<string> ResetCodeAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var token = await users.GeneratePasswordResetTokenAsync((await users.FindByEmailAsync(email))!);
        return WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
    }

    private async Task<ApplicationUser?> FindAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
    }

    private async Task<bool> PasswordWorksAsync(string email, string password)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return await users.CheckPasswordAsync((await users.FindByEmailAsync(email))!, password);
    }
}
