using System.Net;
using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Web.Tests.Api.Permissions;

/// <summary>
/// The seeded permission matrix on the FHIR routes: every role x every FHIR interaction reads a record prepared for it
/// (the Patient role its own), and succeeds exactly when ARCHITECTURE.md section 3 grants Retrieve on the resource the
/// interaction reads, and is otherwise refused with 403 and an OperationOutcome. The expectations come from
/// <see cref="DesignPermissionTable"/>.
/// </summary>
public sealed class FhirPermissionMatrixHttpTests(MatrixPortal portal) : IClassFixture<MatrixPortal>
{
    public static TheoryData<string, string, Resource> Cases
    {
        get
        {
            var cases = new TheoryData<string, string, Resource>();
            foreach (var role in DesignPermissionTable.Defaults.Roles)
            {
                foreach (var (interaction, resource) in MatrixProbe.FhirInteractions)
                {
                    cases.Add(role, interaction, resource);
                }
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task FhirRead_SeededMatrix_SucceedsExactlyWhenTheDesignGrantsRetrieve(string role, string interaction, Resource resource)
    {
        // Arrange
        var granted = DesignPermissionTable.Defaults.Grants(role, resource, Operations.Retrieve);
        using var request = await portal.Probe.PrepareFhirAsync(interaction, ownRecord: role == RoleNames.Patient);

        // Act
        using var response = await portal.ClientFor(role).SendAsync(request);

        // Assert
        // A granted read answers its resource; a granted export kick-off 202 and an OperationOutcome saying it started.
        var body = await response.Content.ReadAsStringAsync();
        var (success, resourceType) = interaction switch
        {
            "Patient read" => (HttpStatusCode.OK, "Patient"),
            "Group export" => (HttpStatusCode.Accepted, "OperationOutcome"),
            _ => (HttpStatusCode.OK, "Bundle"),
        };
        Assert.True(
            response.StatusCode == (granted ? success : HttpStatusCode.Forbidden),
            $"{(granted ? $"Granted, so {(int)success}" : "Not granted, so 403")} expected; got {(int)response.StatusCode}.");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"resourceType\":\"{(granted ? resourceType : "OperationOutcome")}\"", body, StringComparison.Ordinal);
    }
}
