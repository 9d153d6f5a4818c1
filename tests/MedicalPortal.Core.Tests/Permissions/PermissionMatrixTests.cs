using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Tests.Permissions;

public sealed class PermissionMatrixTests
{
    [Theory]
    [InlineData(Operations.All, Operations.Retrieve)]
    [InlineData(Operations.Create | Operations.Update | Operations.Delete, Operations.None)]
    [InlineData(Operations.Retrieve, Operations.Retrieve)]
    [InlineData(Operations.None, Operations.None)]
    [InlineData((Operations)0xFF, Operations.Retrieve)]
    public void Sanitize_AuditLog_CanNeverBeGrantedMoreThanRetrieve(Operations stored, Operations expected)
    {
        // Act
        var granted = PermissionMatrix.Sanitize(Resource.AuditLog, stored);

        // Assert
        Assert.Equal(expected, granted);
    }

    [Theory]
    [InlineData(Resource.Patient)]
    [InlineData(Resource.Export)]
    public void Sanitize_OtherResources_KeepsCrudAndDropsUndefinedBits(Resource resource)
    {
        // Act
        var full = PermissionMatrix.Sanitize(resource, Operations.All);
        var withJunk = PermissionMatrix.Sanitize(resource, (Operations)0xF2);

        // Assert
        Assert.Equal(Operations.All, full);
        Assert.Equal(Operations.Retrieve, withJunk);
    }

    [Fact]
    public void Granted_AuditLogStoredWithAllRights_ReturnsRetrieveOnly()
    {
        // Arrange
        var matrix = new PermissionMatrix(new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>
        {
            ["Auditor"] = new Dictionary<Resource, Operations> { [Resource.AuditLog] = Operations.All },
        });

        // Act
        var granted = matrix.Granted("Auditor", Resource.AuditLog);

        // Assert
        Assert.Equal(Operations.Retrieve, granted);
    }

    [Fact]
    public void Granted_AbsentRoleOrResource_IsNone()
    {
        // Arrange
        var matrix = new PermissionMatrix(new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>
        {
            ["Clerk"] = new Dictionary<Resource, Operations> { [Resource.Patient] = Operations.Retrieve },
        });

        // Act
        var absentRole = matrix.Granted("Nobody", Resource.Patient);
        var absentResource = matrix.Granted("Clerk", Resource.Visit);

        // Assert
        Assert.Equal(Operations.None, absentRole);
        Assert.Equal(Operations.None, absentResource);
        Assert.Equal(Operations.Retrieve, matrix.Granted("clerk", Resource.Patient));
    }

    [Fact]
    public void Granted_DefaultMatrix_NeverAllowsWritingTheAuditLog()
    {
        // Act
        var writes = RoleNames.Seeded
            .Where(role => (DefaultPermissions.Matrix.Granted(role, Resource.AuditLog) & ~Operations.Retrieve) != Operations.None)
            .ToList();

        // Assert
        Assert.Empty(writes);
    }
}
