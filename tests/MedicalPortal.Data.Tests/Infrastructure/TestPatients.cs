using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Sharding;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>Synthetic patients for tests: obviously fake names, valid by the rules.</summary>
internal static class TestPatients
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static PatientInput Input(string given = "Testy", string family = "Example", string? mrn = null, DateOnly? birthDate = null) => new()
    {
        Mrn = mrn,
        GivenName = given,
        FamilyName = family,
        BirthDate = birthDate ?? new DateOnly(1980, 1, 1),
        Sex = Sex.Unknown,
    };

    public static Patient New(string given = "Testy", string family = "Example", string? mrn = null, Guid? id = null, DateOnly? birthDate = null) =>
        Patient.Register(id ?? Guid.CreateVersion7(), mrn ?? Mrn.Generate(), Input(given, family, birthDate: birthDate), Now);

    /// <summary>An id that the shard map routes to <paramref name="shard"/>.</summary>
    public static Guid IdOnShard(IShardMap map, string shard)
    {
        while (true)
        {
            var id = Guid.CreateVersion7();
            if (map.ShardForPatient(id) == shard)
            {
                return id;
            }
        }
    }
}
