using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Patients;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>Synthetic patients for component tests: obviously fake names, valid by the rules.</summary>
internal static class TestPatients
{
    public static PatientInput Input(string given, string family) => new()
    {
        GivenName = given,
        FamilyName = family,
        BirthDate = new DateOnly(1980, 1, 2),
        Sex = Sex.Unknown,
    };

    /// <summary>Stores the patients through the real store, in the order given.</summary>
    public static async Task<List<PatientDto>> SeedAsync(this IPatientStore store, IEnumerable<(string Given, string Family)> names)
    {
        ArgumentNullException.ThrowIfNull(store);
        var now = DateTimeOffset.UtcNow;
        var stored = new List<PatientDto>();
        foreach (var (given, family) in names)
        {
            stored.Add(await store.AddAsync(AuditActor.System, Patient.Register(Guid.CreateVersion7(now), Mrn.Generate(), Input(given, family), now), CancellationToken.None));
        }

        return stored;
    }

    /// <summary>Every stored patient (up to 200), in list order.</summary>
    public static async Task<IReadOnlyList<PatientDto>> AllAsync(this IPatientStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var page = await store.SearchAsync(PatientSearch.Parse(null, null, PageLimits.Max), CancellationToken.None);
        return page.Items;
    }

    /// <summary>The order patient lists use: family name, then given name (names here are plain ASCII).</summary>
    public static IEnumerable<PatientDto> InListOrder(this IEnumerable<PatientDto> patients) => patients
        .OrderBy(p => p.FamilyName.ToUpperInvariant(), StringComparer.Ordinal)
        .ThenBy(p => p.GivenName.ToUpperInvariant(), StringComparer.Ordinal)
        .ThenBy(p => p.Mrn, StringComparer.Ordinal);
}
