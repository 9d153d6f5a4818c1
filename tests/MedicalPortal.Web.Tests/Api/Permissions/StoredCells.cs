using System.Text.Json;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Permissions;

/// <summary>Compares the matrix as <c>GET /api/v1/roles</c> lists it with a table, all eight resources included.</summary>
internal static class StoredCells
{
    public static void AssertEqual(DesignPermissionTable expected, JsonElement roles)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var listed = roles.GetProperty("items").EnumerateArray().ToDictionary(r => r.Text("name"), r => r.GetProperty("permissions"), StringComparer.Ordinal);
        var mismatches = new List<string>();
        foreach (var role in expected.Roles)
        {
            if (!listed.TryGetValue(role, out var permissions))
            {
                mismatches.Add($"{role}: not listed");
                continue;
            }

            foreach (var resource in Enum.GetValues<Resource>())
            {
                var want = expected.Granted(role, resource).JsonNames();
                var have = permissions.GetProperty(resource.JsonName()).EnumerateArray().Select(o => o.GetString()!).ToList();
                if (!want.SequenceEqual(have, StringComparer.Ordinal))
                {
                    mismatches.Add($"{role}/{resource}: expected [{string.Join(",", want)}], stored [{string.Join(",", have)}]");
                }
            }
        }

        Assert.Empty(mismatches);
    }
}
