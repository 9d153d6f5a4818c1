using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Tests.Permissions;

public sealed class DefaultPermissionsTests
{
    // ARCHITECTURE.md section 3, the table a new installation starts with, copied by hand. Kept as text on purpose:
    // it is the specification, independent of DefaultPermissions, and a change to either must be made to both
    // deliberately.
    private static readonly Resource[] Columns =
    [
        Resource.Patient, Resource.Visit, Resource.MedicalStudy, Resource.Enrollment,
        Resource.Account, Resource.Role, Resource.AuditLog, Resource.Export,
    ];

    private static readonly string[] DesignTable =
    [
        "| Admin        | CRUD     | CRUD    | CRUD | CRUD      | CRUD | CRUD | R | R |",
        "| Doctor       | CRU      | CRUD    | R    | CRU       | -    | -    | - | - |",
        "| Nurse        | RU       | CRU     | R    | R         | -    | -    | - | - |",
        "| Receptionist | CRU      | R       | R    | -         | -    | -    | - | - |",
        "| Researcher   | -        | -       | CRUD | -         | -    | -    | - | R |",
        "| Patient      | RU (own) | R (own) | R    | CRD (own) | -    | -    | - | - |",
    ];

    private static readonly Operations[] EachOperation =
        [Operations.Create, Operations.Retrieve, Operations.Update, Operations.Delete];

    [Fact]
    public void Matrix_EveryRoleResourceAndOperation_EqualsTheDesignTable()
    {
        // Arrange
        var expected = ParseDesignTable();
        var mismatches = new List<string>();
        var checkedCells = 0;

        // Act
        foreach (var ((role, resource), operations) in expected)
        {
            foreach (var operation in EachOperation)
            {
                checkedCells++;
                var designAllows = (operations & operation) == operation;
                var seededAllows = (DefaultPermissions.Matrix.Granted(role, resource) & operation) == operation;
                if (designAllows != seededAllows)
                {
                    mismatches.Add($"{role} {resource} {operation}: design {designAllows}, seeded {seededAllows}");
                }
            }
        }

        // Assert
        Assert.Equal(6 * 8 * 4, checkedCells);
        Assert.Empty(mismatches);
    }

    [Fact]
    public void Matrix_Roles_AreExactlyTheSeededRolesOfTheDesign()
    {
        // Arrange
        var designRoles = ParseDesignTable().Keys.Select(k => k.Role).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

        // Act
        var matrixRoles = DefaultPermissions.Matrix.Roles.Order(StringComparer.Ordinal);

        // Assert
        Assert.Equal(designRoles, matrixRoles);
        Assert.Equal(designRoles, RoleNames.Seeded.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Matrix_OwnCellsOfTheDesign_ReachOnlyTheLinkedRecordAndNothingWithoutALink()
    {
        // Arrange: every operation of every "(own)" cell, read from the design table.
        var access = new AccessControl(new FakePermissionStore(DefaultPermissions.Matrix));
        var ownCells = ParseOwnCells();
        var linked = TestUser.PatientAccount(Guid.Parse("0192f4a0-7b3c-7def-8a12-000000000001"));
        var unlinked = TestUser.PatientAccount(patientId: null);
        var wrong = new List<string>();

        // Act
        foreach (var (role, resource, operations) in ownCells)
        {
            foreach (var operation in EachOperation.Where(op => (operations & op) == op))
            {
                var scope = await access.ScopeAsync(linked with { Roles = [role] }, resource, operation, CancellationToken.None);
                var scopeUnlinked = await access.ScopeAsync(unlinked with { Roles = [role] }, resource, operation, CancellationToken.None);
                if (scope != AccessScope.OwnPatientRecord || scopeUnlinked != AccessScope.None)
                {
                    wrong.Add($"{role} {resource} {operation}: linked {scope}, unlinked {scopeUnlinked}");
                }
            }
        }

        // Assert: Patient RU, Visit R and Enrollment CRD are the design's own cells.
        Assert.Equal(3, ownCells.Count);
        Assert.Empty(wrong);
    }

    private static List<(string Role, Resource Resource, Operations Operations)> ParseOwnCells()
    {
        var cells = new List<(string, Resource, Operations)>();
        foreach (var row in DesignTable)
        {
            var columns = row.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < Columns.Length; i++)
            {
                if (columns[i + 1].EndsWith("(own)", StringComparison.Ordinal))
                {
                    cells.Add((columns[0], Columns[i], ParseCell(columns[i + 1])));
                }
            }
        }

        return cells;
    }

    private static Dictionary<(string Role, Resource Resource), Operations> ParseDesignTable()
    {
        var cells = new Dictionary<(string, Resource), Operations>();
        foreach (var row in DesignTable)
        {
            var columns = row.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(1 + Columns.Length, columns.Length);
            for (var i = 0; i < Columns.Length; i++)
            {
                cells.Add((columns[0], Columns[i]), ParseCell(columns[i + 1]));
            }
        }

        return cells;
    }

    private static Operations ParseCell(string cell)
    {
        var letters = cell.Replace("(own)", "", StringComparison.Ordinal).Trim();
        if (letters == "-")
        {
            return Operations.None;
        }

        return letters.Aggregate(Operations.None, (operations, letter) => operations | letter switch
        {
            'C' => Operations.Create,
            'R' => Operations.Retrieve,
            'U' => Operations.Update,
            'D' => Operations.Delete,
            _ => throw new FormatException($"Unknown operation letter '{letter}' in the design table."),
        });
    }
}
