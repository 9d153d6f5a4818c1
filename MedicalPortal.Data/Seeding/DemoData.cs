using System.Security.Cryptography;
using System.Text;
using Bogus;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Data.Seeding;

/// <summary>
/// Synthetic patients and visits. Nothing here is real: names and addresses come from Bogus, e-mail addresses use the
/// reserved example.com domain. Given the same seed, the same data comes out on every machine.
/// </summary>
internal static class DemoData
{
    /// <summary>Demo data is generated relative to this date, not to today, so it is the same whenever it is seeded.</summary>
    public static readonly DateTimeOffset ReferenceDate = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly string[] Clinicians = ["Dr. Maya Chen", "Dr. Ethan Walsh", "Dr. Priya Raman", "Liam Patel, RN"];

    private static readonly (string Code, string Reason)[] Problems =
    [
        ("I10", "Blood pressure check"),
        ("E11.9", "Diabetes follow-up"),
        ("J06.9", "Sore throat and cough"),
        ("M54.50", "Low back pain"),
        ("Z00.00", "Annual physical"),
        ("J45.909", "Asthma review"),
        ("E78.5", "Cholesterol results"),
        ("F41.1", "Anxiety follow-up"),
        ("K21.9", "Heartburn"),
        ("R51.9", "Headache"),
        ("S93.401A", "Ankle sprain"),
        ("N39.0", "Urinary symptoms"),
    ];

    private static readonly string[] Notes =
    [
        "Patient reports feeling better since last visit.",
        "Advised rest, fluids and follow-up in two weeks.",
        "Medication reviewed; no changes.",
        "Lab work ordered.",
        "Discussed diet and exercise.",
    ];

    /// <summary>A stable id for demo patient number <paramref name="index"/>, the same on every node and every run.</summary>
    public static Guid DemoPatientId(int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"medicalportal-demo-patient-{index}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: application-defined
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    public static string DemoMrn(int index) => $"D{index + 1:000000}";

    /// <summary>The demo study most demo patients were asked about; every even-numbered one consented.</summary>
    public static readonly Guid DemoStudyId = Guid.Parse("0198f0a0-2026-8000-8000-000000000001");

    /// <summary>A second demo study, still recruiting, that nobody has joined yet.</summary>
    public static readonly Guid RecruitingStudyId = Guid.Parse("0198f0a0-2026-8000-8000-000000000002");

    public static StudyInput DemoStudy() => new()
    {
        Title = "Blood pressure in primary care",
        Description = "How blood pressure and weight change over the years in the clinic's adult patients. Observational; uses routine visit data only.",
        PrincipalInvestigator = "Dr. Priya Raman",
        Status = StudyStatus.Active,
        StartDate = new DateOnly(2025, 9, 1),
        EndDate = new DateOnly(2028, 8, 31),
    };

    public static StudyInput RecruitingStudy() => new()
    {
        Title = "Sleep and recovery after minor surgery",
        Description = "Recruiting: sleep quality during the first month after day surgery.",
        PrincipalInvestigator = "Dr. Ethan Walsh",
        Status = StudyStatus.Recruiting,
        StartDate = new DateOnly(2026, 9, 1),
    };

    /// <summary>Whether demo patient <paramref name="index"/> consented to the demo study, and when.</summary>
    public static DateTimeOffset? DemoConsent(int index) =>
        index % 2 == 0 ? ReferenceDate.AddDays(-120 + (index % 90)) : null;

    /// <summary>The generator of demo patient <paramref name="index"/>: its patient first, then its visits.</summary>
    public static Faker DemoFaker(int index) => new("en") { Random = new Randomizer(20260000 + index) };

    /// <summary>Demo patient <paramref name="index"/>'s registration data; number 0 is behind patient@clinic.test.</summary>
    public static PatientInput DemoPatient(Faker faker, int index)
    {
        var input = Patient(faker, ReferenceDate);
        return index == 0 ? input with { Email = "patient@clinic.test" } : input;
    }

    public static PatientInput Patient(Faker faker, DateTimeOffset reference)
    {
        var sex = faker.Random.WeightedRandom([Sex.Female, Sex.Male, Sex.Other, Sex.Unknown], [0.49f, 0.47f, 0.02f, 0.02f]);
        var gender = sex == Sex.Male ? Bogus.DataSets.Name.Gender.Male : Bogus.DataSets.Name.Gender.Female;
        var given = faker.Name.FirstName(gender);
        var family = faker.Name.LastName();
        return new PatientInput
        {
            GivenName = given,
            FamilyName = family,
            BirthDate = DateOnly.FromDateTime(reference.UtcDateTime).AddDays(-faker.Random.Int(30, 101 * 365)),
            Sex = sex,
            Phone = faker.Phone.PhoneNumber("(###) ###-####"),
            Email = faker.Internet.Email(given, family, "example.com").ToLowerInvariant(),
            AddressLine = faker.Address.StreetAddress(),
            City = faker.Address.City(),
            State = faker.Address.StateAbbr(),
            PostalCode = faker.Address.ZipCode("#####"),
        };
    }

    public static VisitInput Visit(Faker faker, DateOnly birthDate, DateTimeOffset reference)
    {
        var earliest = new DateTimeOffset(birthDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        if (earliest < reference.AddYears(-4))
        {
            earliest = reference.AddYears(-4);
        }

        var startedAt = faker.Date.BetweenOffset(earliest, reference.AddHours(-1));
        startedAt = new DateTimeOffset(startedAt.Year, startedAt.Month, startedAt.Day, faker.Random.Int(8, 17),
            faker.Random.Int(0, 3) * 15, 0, TimeSpan.Zero);
        var age = startedAt.Year - birthDate.Year;
        var problems = faker.PickRandom(Problems, faker.Random.Int(1, 3)).ToList();

        var (height, weight) = age switch
        {
            < 2 => (faker.Random.Int(450, 900) / 10m, faker.Random.Int(300, 1300) / 100m),
            < 12 => (faker.Random.Int(900, 1500) / 10m, faker.Random.Int(1300, 4000) / 100m),
            _ => (faker.Random.Int(1500, 1950) / 10m, faker.Random.Int(4500, 12000) / 100m),
        };
        var systolic = faker.Random.Int(100, 160);

        return new VisitInput
        {
            StartedAt = startedAt > reference ? reference.AddHours(-1) : startedAt,
            Type = faker.Random.WeightedRandom(
                [VisitType.Checkup, VisitType.FollowUp, VisitType.Emergency, VisitType.Telehealth, VisitType.Procedure],
                [0.35f, 0.35f, 0.1f, 0.15f, 0.05f]),
            Clinician = faker.PickRandom(Clinicians),
            Reason = problems[0].Reason,
            HeightCm = height,
            WeightKg = weight,
            Systolic = systolic,
            Diastolic = faker.Random.Int(60, Math.Min(95, systolic - 20)),
            HeartRate = faker.Random.Int(age < 12 ? 70 : 55, age < 12 ? 120 : 100),
            TemperatureC = faker.Random.Int(361, 385) / 10m,
            DiagnosisCodes = problems.Select(p => p.Code).ToArray(),
            Notes = faker.Random.Bool(0.6f) ? faker.PickRandom(Notes) : null,
        };
    }
}
