using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Tests.Infrastructure;

namespace MedicalPortal.Data.Tests.Export;

/// <summary>
/// The fixed synthetic data set of the golden export: fixed ids, fixed dates (the clock stands at
/// <see cref="TestPatients.Now"/>, 2026-06-01), every identifying field holding a canary string, and every free-text
/// field a spreadsheet formula. With k = 2 it exercises each way a class is published: as is, ZIP generalized, birth
/// year generalized, suppressed; and each way a diagnosis code is: as is (I10, held by A1 and B2), as its category
/// (E11.9 of A1 and E11.65 of B2 both become E11), left out (Z00.00 of A1, since E1 is held back and N1 not enrolled;
/// S72.001A of B2).
/// </summary>
internal static class ExportDataSet
{
    /// <summary>The master key of research ids in these tests (32 bytes 0x01..0x20), so the ids are fixed too.</summary>
    public const string PseudonymKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";

    public static readonly Guid Study = Guid.Parse("0198f0a0-0000-7000-8000-00000000000a");
    public static readonly Guid OtherStudy = Guid.Parse("0198f0a0-0000-7000-8000-00000000000b");

    /// <summary>Strings that must never leave in an export: every one sits in a field the export must drop.</summary>
    public static readonly string[] Canaries =
    [
        "Canarygiven", "Canaryfamily", "CANARY-STREET", "Canaryville", "canary@mail.test", "555 010 9999",
        "CANARY-REASON", "CANARY-NOTE", "Dr. Canary", "=HYPERLINK", "+CMD", "-EXEC", "@SUM",
    ];

    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Export:PseudonymKey"] = PseudonymKey,
        ["Export:K"] = "2",
    };

    /// <summary>The participants of <see cref="Study"/>, by name (the names only exist in this test).</summary>
    public static IReadOnlyDictionary<string, Guid> Ids { get; } = new Dictionary<string, Guid>
    {
        ["A1"] = Id(0xA1), ["A2"] = Id(0xA2), ["A3"] = Id(0xA3),
        ["B1"] = Id(0xB1), ["B2"] = Id(0xB2), ["B3"] = Id(0xB3), ["B4"] = Id(0xB4), ["B5"] = Id(0xB5),
        ["C1"] = Id(0xC1), ["C2"] = Id(0xC2),
        ["D1"] = Id(0xD1), ["D2"] = Id(0xD2),
        ["E1"] = Id(0xE1),
        ["N1"] = Id(0x01), ["W1"] = Id(0x02), ["O1"] = Id(0x03),
    };

    public static async Task WriteAsync(ShardedDatabase db)
    {
        var now = TestPatients.Now;
        var studies = db.Get<IStudyStore>();
        await studies.AddAsync(AuditActor.System, NewStudy(Study, "Golden study"), default);
        await studies.AddAsync(AuditActor.System, NewStudy(OtherStudy, "Another study"), default);

        // A: (1980, female, 021), three patients: published as they are.
        await PatientAsync(db, "A1", new DateOnly(1980, 4, 2), Sex.Female, "02139",
            Visit(new DateTimeOffset(2024, 3, 5, 9, 30, 0, TimeSpan.Zero), VisitType.Checkup, ["Z00.00"]),
            Visit(new DateTimeOffset(2025, 12, 31, 23, 30, 0, TimeSpan.Zero), VisitType.FollowUp, ["E11.9", "I10"]));
        await PatientAsync(db, "A2", new DateOnly(1980, 11, 30), Sex.Female, "02140");
        await PatientAsync(db, "A3", new DateOnly(1980, 1, 1), Sex.Female, "02141-1234",
            Visit(new DateTimeOffset(2026, 5, 1, 14, 0, 0, TimeSpan.Zero), VisitType.Telehealth, []));

        // B: the 89-, 90- and 101-year-olds, all in restricted ZIP areas (036, 893): ZIP3 000.
        await PatientAsync(db, "B1", new DateOnly(1936, 6, 2), Sex.Male, "03601"); // 89: turns 90 tomorrow
        await PatientAsync(db, "B5", new DateOnly(1936, 12, 1), Sex.Male, "89301"); // 89
        await PatientAsync(db, "B2", new DateOnly(1936, 6, 1), Sex.Male, "03602", // 90 today
            Visit(new DateTimeOffset(2025, 7, 4, 10, 0, 0, TimeSpan.Zero), VisitType.Emergency, ["S72.001A", "E11.65", "I10"]));
        await PatientAsync(db, "B3", new DateOnly(1925, 3, 3), Sex.Male, "89302"); // 101
        await PatientAsync(db, "B4", new DateOnly(1930, 8, 8), Sex.Male, "03603"); // 95

        // C: (1990, other) in two ZIP areas of one patient each: together once the ZIP is 000.
        await PatientAsync(db, "C1", new DateOnly(1990, 2, 2), Sex.Other, "10001");
        await PatientAsync(db, "C2", new DateOnly(1990, 3, 3), Sex.Other, "60601");

        // D: 1971 and 1975, unknown sex, two ZIP areas: together only as the decade 1970-1979.
        await PatientAsync(db, "D1", new DateOnly(1971, 5, 5), Sex.Unknown, "02150");
        await PatientAsync(db, "D2", new DateOnly(1975, 6, 6), Sex.Unknown, "10002");

        // E: alone in (2001, female); never-enrolled N1 and withdrawn W1 share the class and must not rescue E1. Held
        // back, E1 does not count for the codes of its visit either.
        await PatientAsync(db, "E1", new DateOnly(2001, 9, 9), Sex.Female, "30301",
            Visit(new DateTimeOffset(2025, 2, 2, 8, 0, 0, TimeSpan.Zero), VisitType.Checkup, ["Z00.00"]));
        await PatientAsync(db, "N1", new DateOnly(2001, 9, 9), Sex.Female, "30302", enroll: false,
            visits: Visit(new DateTimeOffset(2025, 1, 1, 8, 0, 0, TimeSpan.Zero), VisitType.Checkup, ["Z00.00"]));
        var withdrawn = await PatientAsync(db, "W1", new DateOnly(2001, 9, 9), Sex.Female, "30303");
        await db.Get<IEnrollmentStore>().WithdrawAsync(AuditActor.System, withdrawn!.Id, now, default);

        // O1 consented to the other study only.
        await PatientAsync(db, "O1", new DateOnly(2001, 9, 9), Sex.Female, "30304", enroll: false);
        await db.Get<IEnrollmentStore>().AddAsync(AuditActor.System, Enrollment.Consent(OtherStudy, Ids["O1"], now.AddDays(-10), now), default);
    }

    private static Task<EnrollmentDto?> PatientAsync(
        ShardedDatabase db, string name, DateOnly birthDate, Sex sex, string postalCode, params VisitInput[] visits) =>
        PatientAsync(db, name, birthDate, sex, postalCode, enroll: true, visits);

    private static async Task<EnrollmentDto?> PatientAsync(
        ShardedDatabase db, string name, DateOnly birthDate, Sex sex, string postalCode, bool enroll, params VisitInput[] visits)
    {
        var now = TestPatients.Now;
        var input = new PatientInput
        {
            GivenName = "Canarygiven",
            FamilyName = "Canaryfamily",
            BirthDate = birthDate,
            Sex = sex,
            Phone = "+1 555 010 9999",
            Email = "canary@mail.test",
            AddressLine = "-EXEC CANARY-STREET 1",
            City = "Canaryville",
            State = "MA",
            PostalCode = postalCode,
        };
        var patient = Patient.Register(Ids[name], Mrn.Generate(), input, now);
        await db.Get<IPatientStore>().AddAsync(AuditActor.System, patient, default);
        foreach (var visit in visits)
        {
            await db.Get<IVisitStore>().AddAsync(AuditActor.System, Core.Visits.Visit.Record(patient.Id, birthDate, visit, now), default);
        }

        return enroll
            ? await db.Get<IEnrollmentStore>().AddAsync(AuditActor.System, Enrollment.Consent(Study, patient.Id, now.AddDays(-30), now), default)
            : null;
    }

    private static VisitInput Visit(DateTimeOffset startedAt, VisitType type, IReadOnlyList<string> codes) => new()
    {
        StartedAt = startedAt,
        Type = type,
        Clinician = "@SUM Dr. Canary",
        Reason = "+CMD CANARY-REASON",
        Notes = "=HYPERLINK(\"http://x.test\") CANARY-NOTE",
        HeightCm = 172.5m,
        WeightKg = 70.2m,
        Systolic = 121,
        Diastolic = 79,
        HeartRate = 64,
        TemperatureC = 36.8m,
        DiagnosisCodes = codes,
    };

    private static MedicalStudy NewStudy(Guid id, string title) =>
        MedicalStudy.Create(TestStudies.Input(StudyStatus.Active, title), TestPatients.Now, id);

    private static Guid Id(int n) => Guid.Parse($"0198f0a0-0000-7000-8000-0000000000{n:x2}");
}
