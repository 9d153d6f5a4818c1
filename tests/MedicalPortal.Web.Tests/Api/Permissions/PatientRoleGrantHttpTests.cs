using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Permissions;

/// <summary>
/// An admin cannot give the Patient role rights on records that belong to no patient: an own-record grant there would
/// reach them all. On a portal of its own, so that a refusal that failed could not change the shared matrix.
/// </summary>
public sealed class PatientRoleGrantHttpTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    public static TheoryData<Resource, Operations> Refused { get; } = new()
    {
        { Resource.Account, Operations.Retrieve },
        { Resource.Role, Operations.Retrieve | Operations.Update },
        { Resource.AuditLog, Operations.Retrieve },
        { Resource.Export, Operations.Retrieve },
        { Resource.MedicalStudy, Operations.Retrieve | Operations.Update },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task PutPermissions_PatientRoleOnRecordsOfNoPatient_Returns400AndTheMatrixIsUnchanged(Resource resource, Operations operations)
    {
        // Arrange
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var before = await PatientRoleAsync(admin);

        // Act
        using var response = await admin.PutPermissionsAsync(RoleNames.Patient, resource, operations);

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["operations"], problem.ErrorFields());
        Assert.StartsWith("The Patient role ", problem.GetProperty("errors").GetProperty("operations")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await PatientRoleAsync(admin));
    }

    [Fact]
    public async Task PutPermissions_PatientRoleOnItsOwnVisits_Saved()
    {
        // Arrange
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);

        // Act
        using var response = await admin.PutPermissionsAsync(RoleNames.Patient, Resource.Visit, Operations.Retrieve | Operations.Update);
        using var restored = await admin.PutPermissionsAsync(RoleNames.Patient, Resource.Visit, Operations.Retrieve);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var saved = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["retrieve", "update"], saved.GetProperty("permissions").GetProperty("visit").EnumerateArray().Select(o => o.GetString()));
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
    }

    /// <summary>The Patient role as <c>GET /api/v1/roles</c> lists it, as JSON text.</summary>
    private static async Task<string> PatientRoleAsync(HttpClient admin)
    {
        var roles = await admin.GetFromJsonAsync<JsonElement>("/api/v1/roles");
        return roles.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("name").GetString() == RoleNames.Patient).GetRawText();
    }
}
