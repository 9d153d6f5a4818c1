using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Visits;

namespace MedicalPortal.Core.Export;

/// <summary>Turns consenting patients into research rows (ARCHITECTURE.md section 9).</summary>
public interface IAnonymizer
{
    /// <summary>The patient's quasi-identifiers at <paramref name="exportDate"/>, before any generalization.</summary>
    QuasiIdentifiers QuasiIdentifiersOf(ExportPatient patient, DateOnly exportDate);

    /// <summary>The patient's rows (one per visit; one with empty visit columns without visits), or none if suppressed.</summary>
    IReadOnlyList<ResearchRow> Rows(ExportPatient patient, StudyPseudonyms pseudonyms, KAnonymityPlan plan, DateOnly exportDate);
}

/// <summary>
/// HIPAA Safe Harbor plus k-anonymity. Nothing that identifies a person leaves: no names, addresses beyond three ZIP
/// digits, contact details, MRN, ids or free text; the birth year, or "90+" from age 90; visit dates cut to the year;
/// the 17 three-digit ZIP areas of 20,000 people or fewer become "000"; the research id is a keyed hash that differs
/// per study.
/// </summary>
public sealed class Anonymizer(bool dateShift = false) : IAnonymizer
{
    /// <summary>Three-digit ZIP areas with 20,000 or fewer people (HHS de-identification guidance, 2000 census).</summary>
    public static IReadOnlySet<string> RestrictedZip3 { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878", "879", "884", "890", "893",
    };

    public const string AgedNinetyOrMore = "90+";
    public const string UnknownZip3 = "000";

    private const string NoTrailingZeros = "0.############################";

    public QuasiIdentifiers QuasiIdentifiersOf(ExportPatient patient, DateOnly exportDate)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return new QuasiIdentifiers(BirthYear(patient.BirthDate, exportDate), SexOf(patient.Sex), Zip3(patient.PostalCode));
    }

    public IReadOnlyList<ResearchRow> Rows(ExportPatient patient, StudyPseudonyms pseudonyms, KAnonymityPlan plan, DateOnly exportDate)
    {
        ArgumentNullException.ThrowIfNull(patient);
        ArgumentNullException.ThrowIfNull(pseudonyms);
        ArgumentNullException.ThrowIfNull(plan);

        if (plan.Publish(QuasiIdentifiersOf(patient, exportDate)) is not { } published)
        {
            return [];
        }

        var researchId = pseudonyms.ResearchId(patient.PatientId);
        if (patient.Visits.Count == 0)
        {
            return [new ResearchRow(researchId, published.BirthYear, published.Sex, published.Zip3, null, null, null, null, null, null, null, null, null)];
        }

        var shift = dateShift ? pseudonyms.DateShiftDays(patient.PatientId) : 0;
        return patient.Visits
            .OrderBy(v => v.StartedAt)
            .Select(v => new ResearchRow(
                researchId,
                published.BirthYear,
                published.Sex,
                published.Zip3,
                dateShift
                    ? DateOnly.FromDateTime(v.StartedAt.UtcDateTime).AddDays(shift).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : v.StartedAt.UtcDateTime.Year.ToString(CultureInfo.InvariantCulture),
                VisitTypeOf(v.Type),
                Number(v.HeightCm),
                Number(v.WeightKg),
                Number(v.Systolic),
                Number(v.Diastolic),
                Number(v.HeartRate),
                Number(v.TemperatureC),
                string.Join(';', v.DiagnosisCodes)))
            .ToList();
    }

    public static string BirthYear(DateOnly birthDate, DateOnly exportDate) =>
        AgeOn(birthDate, exportDate) >= 90 ? AgedNinetyOrMore : birthDate.Year.ToString(CultureInfo.InvariantCulture);

    /// <summary>The first three digits of a ZIP code; "000" for the restricted areas and for anything that is no ZIP.</summary>
    public static string Zip3(string? postalCode) =>
        postalCode is { Length: >= 3 } && !postalCode.AsSpan(0, 3).ContainsAnyExceptInRange('0', '9')
            ? Restrict(postalCode[..3])
            : UnknownZip3;

    private static string Restrict(string zip3) => RestrictedZip3.Contains(zip3) ? UnknownZip3 : zip3;

    private static int AgeOn(DateOnly birthDate, DateOnly on)
    {
        var age = on.Year - birthDate.Year;
        return birthDate.AddYears(age) > on ? age - 1 : age;
    }

    private static string SexOf(Sex sex) => sex.ToString().ToLowerInvariant();

    /// <summary>A visit type as the release spells it: "checkup", "follow-up", ...</summary>
    public static string VisitTypeOf(VisitType type) => type switch
    {
        VisitType.FollowUp => "follow-up",
        _ => type.ToString().ToLowerInvariant(),
    };

    // A decimal keeps the scale it was read with (PostgreSQL's numeric(6,2) gives 70.20 where SQLite gives 70.2): the
    // file writes the value without trailing zeros, so one study's CSV is the same on every provider.
    private static string? Number(decimal? value) => value?.ToString(NoTrailingZeros, CultureInfo.InvariantCulture);

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A study's pseudonyms. The study key is derived from the master key (HKDF-SHA256, the study id as context), so two
/// studies' research ids for one patient cannot be linked, and neither can be recomputed without the master key.
/// </summary>
public sealed class StudyPseudonyms
{
    private readonly byte[] _studyKey;

    public StudyPseudonyms(ReadOnlySpan<byte> masterKey, Guid studyId)
    {
        Span<byte> info = stackalloc byte[16 + 32];
        Encoding.ASCII.GetBytes("medicalportal:research-id:v1:").CopyTo(info[..29]);
        studyId.TryWriteBytes(info[29..45], bigEndian: true, out _);
        _studyKey = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, _studyKey, salt: [], info: info[..45]);
    }

    /// <summary>32 hex digits: the first 128 bits of HMAC-SHA256(study key, patient id).</summary>
    public string ResearchId(Guid patientId)
    {
        Span<byte> id = stackalloc byte[16];
        patientId.TryWriteBytes(id, bigEndian: true, out _);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_studyKey, id).AsSpan(0, 16));
    }

    /// <summary>A secret shift of -365..365 days, the same for all of one patient's visits in this study.</summary>
    public int DateShiftDays(Guid patientId)
    {
        Span<byte> input = stackalloc byte[6 + 16];
        "shift:"u8.CopyTo(input);
        patientId.TryWriteBytes(input[6..], bigEndian: true, out _);
        var value = BinaryPrimitives.ReadUInt32BigEndian(HMACSHA256.HashData(_studyKey, input));
        return (int)(value % 731) - 365;
    }
}
