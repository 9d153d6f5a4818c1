using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Web.Tests.Api.Permissions;

/// <summary>
/// The permission table of ARCHITECTURE.md section 3, copied here as the architecture writes it. The HTTP tests take their
/// expectations from this copy, never from the product's <see cref="DefaultPermissions"/>, so a wrong seed cannot
/// agree with itself. "(own)" is part of the design's wording: the Patient role holds those cells on its own record
/// only, which the tests honour by aiming the Patient role at its own record.
/// </summary>
internal sealed class DesignPermissionTable
{
    private const string Design = """
        | role | Patient | Visit | MedicalStudy | Enrollment | Account | Role | AuditLog | Export |
        |---|---|---|---|---|---|---|---|---|
        | Admin | CRUD | CRUD | CRUD | CRUD | CRUD | CRUD | R | R |
        | Doctor | CRU | CRUD | R | CRU | - | - | - | - |
        | Nurse | RU | CRU | R | R | - | - | - | - |
        | Receptionist | CRU | R | R | - | - | - | - | - |
        | Researcher | - | - | CRUD | - | - | - | - | R |
        | Patient | RU (own) | R (own) | R | CRD (own) | - | - | - | - |
        """;

    private readonly IReadOnlyDictionary<(string Role, Resource Resource), Operations> _cells;

    private DesignPermissionTable(IReadOnlyList<string> roles, IReadOnlyDictionary<(string Role, Resource Resource), Operations> cells)
    {
        Roles = roles;
        _cells = cells;
    }

    /// <summary>The seeded defaults, as ARCHITECTURE.md states them.</summary>
    public static DesignPermissionTable Defaults { get; } = Parse(Design);

    /// <summary>The roles, in the table's order.</summary>
    public IReadOnlyList<string> Roles { get; }

    public Operations Granted(string role, Resource resource) => _cells[(role, resource)];

    public bool Grants(string role, Resource resource, Operations operation) => (Granted(role, resource) & operation) == operation;

    /// <summary>The same table with <paramref name="operation"/> added to one cell.</summary>
    public DesignPermissionTable Grant(string role, Resource resource, Operations operation) =>
        WithCell(role, resource, Granted(role, resource) | operation);

    /// <summary>The same table with <paramref name="operation"/> taken out of one cell.</summary>
    public DesignPermissionTable Revoke(string role, Resource resource, Operations operation) =>
        WithCell(role, resource, Granted(role, resource) & ~operation);

    /// <summary>The cells in which <paramref name="edited"/> differs from this table, with the edited value.</summary>
    public IReadOnlyList<(string Role, Resource Resource, Operations Operations)> ChangedIn(DesignPermissionTable edited)
    {
        ArgumentNullException.ThrowIfNull(edited);
        return [.. _cells.Where(c => edited._cells[c.Key] != c.Value).Select(c => (c.Key.Role, c.Key.Resource, edited._cells[c.Key]))];
    }

    private DesignPermissionTable WithCell(string role, Resource resource, Operations operations)
    {
        _ = Granted(role, resource);
        var cells = _cells.ToDictionary(c => c.Key, c => c.Value);
        cells[(role, resource)] = operations;
        return new DesignPermissionTable(Roles, cells);
    }

    private static DesignPermissionTable Parse(string markdown)
    {
        var rows = markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Trim('|').Split('|', StringSplitOptions.TrimEntries))
            .ToList();
        var resources = rows[0].Skip(1).Select(Enum.Parse<Resource>).ToList();
        var roles = new List<string>();
        var cells = new Dictionary<(string Role, Resource Resource), Operations>();
        foreach (var row in rows.Skip(2))
        {
            roles.Add(row[0]);
            for (var i = 0; i < resources.Count; i++)
            {
                cells[(row[0], resources[i])] = ParseCell(row[i + 1]);
            }
        }

        return new DesignPermissionTable(roles, cells);
    }

    private static Operations ParseCell(string cell) =>
        cell.Replace("(own)", "", StringComparison.Ordinal).Trim().Aggregate(Operations.None, (all, letter) => all | letter switch
        {
            'C' => Operations.Create,
            'R' => Operations.Retrieve,
            'U' => Operations.Update,
            'D' => Operations.Delete,
            '-' => Operations.None,
            _ => throw new FormatException($"Unexpected letter '{letter}' in the permission table."),
        });
}
