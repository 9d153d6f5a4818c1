using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Auth;

/// <summary>
/// <c>POST /api/v1/auth/register</c>: anyone may register, always as the Patient role, linked to a new record of their
/// own; an e-mail already in use never takes that account over, and a refused registration leaves nothing behind.
/// Every registrant here is synthetic, under a family name no other test uses.
/// </summary>
[Collection(SharedPortals.Default)]
public sealed class SelfRegistrationTests(PortalFactory portal)
{
    private const string Password = "Synthetic-Patient-Pass-2026";

    [Fact]
    public async Task Register_ValidBody_Returns201WithAccountIdAndTheLinkedPatientId()
    {
        // Arrange
        using var client = portal.CreateAnonymousClient();
        var email = ApiRequests.UniqueEmail("selfreg");

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", ApiRequests.Registration(email, NewFamilyName()));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(body.Text("accountId")));
        var patientId = body.GetProperty("patientId").GetGuid();
        Assert.Equal(patientId, await portal.LinkedPatientIdAsync(email));
        Assert.Equal($"/api/v1/patients/{patientId}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Register_ThenSignIn_PatientListIsExactlyTheOwnNewRecord()
    {
        // Arrange
        using var anonymous = portal.CreateAnonymousClient();
        var email = ApiRequests.UniqueEmail("selfreg");
        var family = NewFamilyName();
        var registered = await RegisterAsync(anonymous, email, family);
        using var client = await portal.CreateClientForAsync(email, Password);

        // Act
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/patients");

        // Assert
        var only = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(registered.GetProperty("patientId").GetGuid(), only.Id());
        Assert.Equal(family, only.Text("familyName"));
        Assert.Equal("1990-02-03", only.Text("birthDate"));
    }

    [Fact]
    public async Task Register_EmailAlreadyRegistered_Returns400OnEmailAndCreatesNoSecondPatient()
    {
        // Arrange
        using var anonymous = portal.CreateAnonymousClient();
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var email = ApiRequests.UniqueEmail("selfreg");
        var family = NewFamilyName();
        await RegisterAsync(anonymous, email, family);

        // Act: the same person again, the e-mail in other letter case.
        using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/register",
            ApiRequests.Registration(email.ToUpperInvariant(), family, password: "Another-Synthetic-Pass-2026"));
        var found = await doctor.SearchPatientsAsync($"Selfreg {family}");

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["email"], problem.ErrorFields());
        Assert.Single(found);
    }

    [Fact]
    public async Task Register_StaffEmail_Returns400AndTheStaffAccountKeepsItsPassword()
    {
        // Arrange
        using var anonymous = portal.CreateAnonymousClient();
        const string Taken = "Another-Synthetic-Pass-2026";

        // Act
        using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/register",
            ApiRequests.Registration(DemoUsers.Receptionist, NewFamilyName(), password: Taken));
        using var withNewPassword = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = DemoUsers.Receptionist, password = Taken });
        using var withOwnPassword = await anonymous.PostAsJsonAsync("/api/v1/auth/login",
            new { email = DemoUsers.Receptionist, password = DemoAccounts.DefaultPassword });

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["email"], problem.ErrorFields());
        await withNewPassword.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, withOwnPassword.StatusCode);
    }

    [Fact]
    public async Task Register_PasswordTooShort_Returns400OnPasswordAndCreatesNothing()
    {
        // Arrange
        using var anonymous = portal.CreateAnonymousClient();
        using var doctor = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var email = ApiRequests.UniqueEmail("selfreg");
        var family = NewFamilyName();

        // Act: 11 characters, one short of the minimum.
        using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/register", ApiRequests.Registration(email, family, password: "Short-pass1"));
        var found = await doctor.SearchPatientsAsync($"Selfreg {family}");
        using var signIn = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Short-pass1" });

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["password"], problem.ErrorFields());
        Assert.Empty(found);
        Assert.Null(await portal.LinkedPatientIdAsync(email));
        await signIn.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Register_NewAccount_IsAPatientNotStaff()
    {
        // Arrange
        using var anonymous = portal.CreateAnonymousClient();
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var email = ApiRequests.UniqueEmail("selfreg");
        await RegisterAsync(anonymous, email, NewFamilyName());
        using var client = await portal.CreateClientForAsync(email, Password);

        // Act
        var listedAsStaff = await admin.FindStaffAccountAsync(email);
        using var accounts = await client.GetAsync("/api/v1/accounts");

        // Assert
        Assert.Null(listedAsStaff);
        await accounts.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Register_BodyAsksForAdminRole_StillGetsOnlyThePatientRole()
    {
        // Arrange
        using var anonymous = portal.CreateAnonymousClient();
        var email = ApiRequests.UniqueEmail("selfreg");
        var body = ApiRequests.Registration(email, NewFamilyName());
        body["role"] = "Admin";
        body["roles"] = new[] { "Admin" };

        // Act
        using var response = await anonymous.PostAsJsonAsync("/api/v1/auth/register", body);
        using var client = await portal.CreateClientForAsync(email, Password);
        using var roles = await client.GetAsync("/api/v1/roles");
        using var patients = await client.PostAsJsonAsync("/api/v1/patients", ApiRequests.Patient("Testy", NewFamilyName()));

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await roles.ReadProblemAsync(HttpStatusCode.Forbidden);
        await patients.ReadProblemAsync(HttpStatusCode.Forbidden);
    }

    private static string NewFamilyName() => $"Selfreg{ApiRequests.UniqueLetters()}";

    private static async Task<JsonElement> RegisterAsync(HttpClient client, string email, string family)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/auth/register", ApiRequests.Registration(email, family, Password));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
