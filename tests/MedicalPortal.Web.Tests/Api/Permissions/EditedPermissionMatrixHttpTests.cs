using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Permissions;

/// <summary>
/// The matrix after an admin edits it over HTTP (<c>PUT /api/v1/roles/{name}/permissions/{resource}</c>), on a portal
/// of its own: the tokens were issued and the matrix was read before the edit, and no case restarts or waits, so each
/// case proves the edit holds on the holders' next request. Same enumeration as <see cref="PermissionMatrixHttpTests"/>.
/// </summary>
public sealed class EditedPermissionMatrixHttpTests(EditedPermissionMatrixHttpTests.EditedMatrixPortal fixture)
    : IClassFixture<EditedPermissionMatrixHttpTests.EditedMatrixPortal>
{
    private readonly MatrixPortal _portal = fixture.Portal;

    public static TheoryData<string, Resource, Operations> Cases => MatrixProbe.Cases(Edited);

    /// <summary>The design's table with the admin's edits: taken away, granted, and one own-record cell narrowed.</summary>
    internal static DesignPermissionTable Edited { get; } = DesignPermissionTable.Defaults
        .Revoke(RoleNames.Nurse, Resource.Visit, Operations.Update)
        .Grant(RoleNames.Receptionist, Resource.Visit, Operations.Create)
        .Grant(RoleNames.Researcher, Resource.Patient, Operations.Retrieve)
        .Revoke(RoleNames.Doctor, Resource.Enrollment, Operations.Create)
        .Revoke(RoleNames.Patient, Resource.Enrollment, Operations.Delete);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RepresentativeCall_AfterAdminEditsMatrix_SucceedsExactlyWhenTheEditedMatrixGrantsIt(
        string role, Resource resource, Operations operation)
    {
        // Arrange
        var granted = Edited.Grants(role, resource, operation);
        using var request = await _portal.Probe.PrepareAsync(resource, operation, ownRecord: role == RoleNames.Patient);

        // Act
        using var response = await _portal.ClientFor(role).SendAsync(request);

        // Assert
        await MatrixProbe.AssertAnswerAsync(granted, response);
    }

    [Fact]
    public async Task ListRoles_AfterAdminEditsMatrix_StoresTheEditedCellsAndNothingElseChanged()
    {
        // Act
        var roles = await _portal.Admin.GetFromJsonAsync<JsonElement>("/api/v1/roles");

        // Assert
        StoredCells.AssertEqual(Edited, roles);
    }

    /// <summary>Every role uses its token once, then the admin makes the edits; the cases run after that.</summary>
    public sealed class EditedMatrixPortal : IAsyncLifetime, IDisposable
    {
        public MatrixPortal Portal { get; } = new();

        public async Task InitializeAsync()
        {
            await Portal.InitializeAsync();

            // Every role may view studies: this caches the matrix and puts each token to use before the change.
            foreach (var role in Edited.Roles)
            {
                using var before = await Portal.ClientFor(role).GetAsync("/api/v1/studies");
                before.EnsureSuccessStatusCode();
            }

            foreach (var (role, resource, operations) in DesignPermissionTable.Defaults.ChangedIn(Edited))
            {
                using var edit = await Portal.Admin.PutPermissionsAsync(role, resource, operations);
                edit.EnsureSuccessStatusCode();
            }
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => Portal.Dispose();
    }
}
