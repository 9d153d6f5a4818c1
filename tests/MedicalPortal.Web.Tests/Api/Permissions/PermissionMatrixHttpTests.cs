using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Permissions;

/// <summary>
/// The seeded permission matrix, enforced over HTTP: every role x every resource with endpoints x every operation makes
/// one representative call, which succeeds exactly when ARCHITECTURE.md section 3 grants it and is refused with 403
/// otherwise. The expectations come from <see cref="DesignPermissionTable"/>, not from the product's defaults.
/// AuditLog (append-only) and Export (a reading of a study) have only Retrieve.
/// </summary>
public sealed class PermissionMatrixHttpTests(MatrixPortal portal) : IClassFixture<MatrixPortal>
{
    public static TheoryData<string, Resource, Operations> Cases => MatrixProbe.Cases(DesignPermissionTable.Defaults);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RepresentativeCall_SeededMatrix_SucceedsExactlyWhenTheDesignGrantsIt(string role, Resource resource, Operations operation)
    {
        // Arrange
        var granted = DesignPermissionTable.Defaults.Grants(role, resource, operation);
        using var request = await portal.Probe.PrepareAsync(resource, operation, ownRecord: role == RoleNames.Patient);

        // Act
        using var response = await portal.ClientFor(role).SendAsync(request);

        // Assert
        await MatrixProbe.AssertAnswerAsync(granted, response);
    }

    [Fact]
    public async Task ListRoles_SeededInstallation_StoresEveryCellOfTheDesignTable()
    {
        // Act
        var roles = await portal.Admin.GetFromJsonAsync<JsonElement>("/api/v1/roles");

        // Assert
        StoredCells.AssertEqual(DesignPermissionTable.Defaults, roles);
    }
}
