using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Tests.Accounts;

/// <summary>
/// The password rules every path asks (issue 16, item 6): length, one character or a short group repeated, the
/// account's own e-mail address and name, and the shipped list of common and breached passwords. Every account here
/// is synthetic.
/// </summary>
public sealed class PasswordPolicyTests
{
    private const string Email = "maya.chen@clinic.test";
    private const string Name = "Maya Chen";

    [Theory]
    [InlineData("a quiet harbour at dawn")]
    [InlineData("Tr0ub4dor&3-horse-staple")]
    [InlineData("maya likes purple elephants")]
    [InlineData("aaaaaaaaaaab")]
    [InlineData("skimming the milk")]
    public void Problem_AcceptablePassword_IsNone(string password) =>
        Assert.Null(PasswordPolicy.Problem(password, Email, Name));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("eleven char")]
    public void Problem_ShorterThanTwelve_IsTooShort(string? password) =>
        Assert.Equal(PasswordPolicy.TooShort, PasswordPolicy.Problem(password, Email, Name));

    [Fact]
    public void Problem_LongerThanTheMaximum_IsTooLong() =>
        Assert.Equal(PasswordPolicy.TooLong, PasswordPolicy.Problem(new string('x', 64) + new string('y', 65), Email, Name));

    [Theory]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("AaAaAaAaAaAa")]
    [InlineData("............")]
    [InlineData("abababababab")]
    [InlineData("abcabcabcabcab")]
    [InlineData("1234123412341234")]
    public void Problem_OneCharacterOrAShortGroupRepeated_IsRepeated(string password) =>
        Assert.Equal(PasswordPolicy.Repeated, PasswordPolicy.Problem(password, Email, Name));

    [Fact]
    public void Problem_AGroupOfFiveRepeated_IsAcceptable() =>
        Assert.Null(PasswordPolicy.Problem("qzvxkqzvxkqzvxk", Email, Name));

    [Theory]
    [InlineData("maya.chen@clinic.test")]
    [InlineData("Maya.Chen2026!")]
    [InlineData("mayachen2026!!")]
    [InlineData("Chen, Maya 12345")]
    [InlineData("MAYA.CHEN@CLINIC.TEST1")]
    public void Problem_MadeOfTheOwnEmailOrName_IsOwnDetails(string password) =>
        Assert.Equal(PasswordPolicy.OwnDetails, PasswordPolicy.Problem(password, Email, Name));

    [Fact]
    public void Problem_TheSamePasswordForSomebodyElse_IsAcceptable() =>
        Assert.Null(PasswordPolicy.Problem("Maya.Chen2026!", "someone@clinic.test", "Ada First"));

    [Theory]
    [InlineData("password1234")]
    [InlineData("PASSWORD1234")]
    [InlineData("qwertyuiop123")]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("iloveyou1234")]
    public void Problem_OnTheCommonPasswordList_IsCommonInAnyCase(string password) =>
        Assert.Equal(PasswordPolicy.Common, PasswordPolicy.Problem(password, Email, Name));

    [Fact]
    public void Problem_UnknownAccount_StillAppliesTheOtherRules()
    {
        Assert.Equal(PasswordPolicy.Common, PasswordPolicy.Problem("password1234", email: null, name: null));
        Assert.Null(PasswordPolicy.Problem("Maya.Chen2026!", email: null, name: null));
    }

    [Fact]
    public void Messages_NeverRepeatThePassword()
    {
        const string password = "Maya.Chen2026!";

        var message = PasswordPolicy.Problem(password, Email, Name);

        Assert.NotNull(message);
        Assert.DoesNotContain(password, message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("maya", message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The list holds exactly the passwords the length rule lets through: if the minimum ever changes, this fails until
    /// the list is made again for it (CommonPasswords says how).
    /// </summary>
    [Fact]
    public void CommonPasswords_ShippedList_StartsAtTheMinimumLengthAndEndsAtTheMaximum()
    {
        var entries = CommonPasswords.Entries;

        Assert.Equal(12_050, entries.Count);
        Assert.Equal(AccountRules.PasswordMinLength, entries.Min(e => e.Length));
        Assert.True(entries.Max(e => e.Length) <= AccountRules.PasswordMaxLength);
    }

    [Fact]
    public void ValidateStaff_CommonPassword_IsRefusedOnThePasswordFieldWithThePolicyMessage()
    {
        var input = new StaffAccountInput { Email = Email, DisplayName = Name, Role = RoleNames.Doctor, Password = "password1234" };

        var errors = AccountRules.ValidateStaff(input).ToDictionary();

        Assert.Equal([PasswordPolicy.Common], errors["password"]);
        Assert.Single(errors);
    }

    [Fact]
    public void ValidateStaff_PasswordMadeOfTheStaffMembersName_IsRefusedOnThePasswordField()
    {
        var input = new StaffAccountInput { Email = Email, DisplayName = "Dr. Maya Chen", Role = RoleNames.Doctor, Password = "Dr Maya Chen 2026" };

        var errors = AccountRules.ValidateStaff(input).ToDictionary();

        Assert.Equal([PasswordPolicy.OwnDetails], errors["password"]);
    }
}
