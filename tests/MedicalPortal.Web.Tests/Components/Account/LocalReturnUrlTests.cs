using MedicalPortal.Web.Components.Account;
using Microsoft.AspNetCore.Http;

namespace MedicalPortal.Web.Tests.Components.Account;

/// <summary>
/// The one place a return address becomes a path: relative to the portal's base, home for anything else, under a path
/// base too (a portal served at <c>/portal/</c>, where a plain <c>/other</c> is not the portal's any more).
/// </summary>
public sealed class LocalReturnUrlTests
{
    private static readonly Uri Base = new("http://clinic.test/portal/");

    [Theory]
    [InlineData("/portal/patients", "patients")]
    [InlineData("patients?q=ab#visits", "patients?q=ab#visits")]
    [InlineData("http://clinic.test/portal/patients", "patients")]
    [InlineData("HTTP://CLINIC.TEST/portal/admin/accounts", "admin/accounts")]
    [InlineData("/portal/", "")]
    [InlineData("/portal/Account/LoginWith2fa?returnUrl=%2Fa%0D%0Ab", "Account/LoginWith2fa?returnUrl=%2Fa%0D%0Ab")]
    public void ToBaseRelative_PathOnThePortal_IsThatPath(string returnUrl, string expected) =>
        Assert.Equal(expected, LocalReturnUrl.ToBaseRelative(returnUrl, Base));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/other")]
    [InlineData("https://clinic.test/portal/patients")]
    [InlineData("http://clinic.test:8080/portal/patients")]
    [InlineData("//evil.example/portal/patients")]
    [InlineData("/portal//evil.example")]
    [InlineData("/portal/%2F%2Fevil.example")]
    [InlineData("/portal/%5Cevil.example")]
    [InlineData("/portal/a%00b")]
    [InlineData("/portal/a\nb")]
    [InlineData("/portal\\patients")]
    [InlineData("javascript:alert(1)")]
    public void ToBaseRelative_AnythingElse_IsHome(string? returnUrl) =>
        Assert.Equal(LocalReturnUrl.Home, LocalReturnUrl.ToBaseRelative(returnUrl, Base));

    [Fact]
    public void ToBaseRelative_LongerThanTheLimit_IsHome()
    {
        var atLimit = "/portal/" + new string('a', LocalReturnUrl.MaxLength - "/portal/".Length);

        Assert.Equal(atLimit["/portal/".Length..], LocalReturnUrl.ToBaseRelative(atLimit, Base));
        Assert.Equal(LocalReturnUrl.Home, LocalReturnUrl.ToBaseRelative(atLimit + "a", Base));
    }

    [Fact]
    public void BaseOf_RequestUnderAPathBase_IsSchemeHostAndPathBase()
    {
        var request = new DefaultHttpContext().Request;
        request.Scheme = "https";
        request.Host = new HostString("clinic.test");
        request.PathBase = "/portal";

        Assert.Equal(new Uri("https://clinic.test/portal/"), LocalReturnUrl.BaseOf(request));
    }
}
