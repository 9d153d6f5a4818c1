using MedicalPortal.Core.Paging;

namespace MedicalPortal.Core.Patients;

/// <summary>
/// Patient lists are ordered by family name, given name, then MRN. MRN is unique across all shards, so the order is
/// total and a cursor that remembers the last key resumes exactly where a page ended, whichever shard it came from.
/// </summary>
public readonly record struct PatientSortKey(string FamilyNameKey, string GivenNameKey, string Mrn)
    : IComparable<PatientSortKey>
{
    public static PatientSortKey Of(PatientDto patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return new(NameKey.For(patient.FamilyName), NameKey.For(patient.GivenName), patient.Mrn);
    }

    public int CompareTo(PatientSortKey other)
    {
        var order = CodePointComparer.Instance.Compare(FamilyNameKey, other.FamilyNameKey);
        if (order == 0)
        {
            order = CodePointComparer.Instance.Compare(GivenNameKey, other.GivenNameKey);
        }

        return order != 0 ? order : CodePointComparer.Instance.Compare(Mrn, other.Mrn);
    }

    public string ToCursor() => Cursor.Encode([FamilyNameKey, GivenNameKey, Mrn]);

    public static PatientSortKey? FromCursor(string? cursor) =>
        Cursor.Decode(cursor, 3) is { } parts ? new PatientSortKey(parts[0], parts[1], parts[2]) : null;

    public static bool operator <(PatientSortKey left, PatientSortKey right) => left.CompareTo(right) < 0;

    public static bool operator >(PatientSortKey left, PatientSortKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(PatientSortKey left, PatientSortKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(PatientSortKey left, PatientSortKey right) => left.CompareTo(right) >= 0;
}
