using System.Globalization;

namespace MedicalPortal.Core.Export;

/// <summary>
/// How each quasi-identifier class is published so that every published class holds at least k patients. Classes
/// too small are generalized step by step, then suppressed: first the three-digit ZIP becomes "000"; if still too
/// small, the birth year becomes its decade ("1980-1989"; "90+" stays); if still too small, the patients are left out.
/// Built from the class sizes of the whole study population, before any row is written.
/// </summary>
public sealed class KAnonymityPlan
{
    private readonly Dictionary<QuasiIdentifiers, QuasiIdentifiers?> _published;

    private KAnonymityPlan(int k, Dictionary<QuasiIdentifiers, QuasiIdentifiers?> published, int patients, int generalized, int suppressed)
    {
        K = k;
        Patients = patients;
        _published = published;
        GeneralizedPatients = generalized;
        SuppressedPatients = suppressed;
    }

    public int K { get; }

    /// <summary>Everyone counted: the study's participants at the time of the plan.</summary>
    public int Patients { get; }

    public int GeneralizedPatients { get; }

    public int SuppressedPatients { get; }

    /// <summary>
    /// The published quasi-identifiers of a patient's class, or null when the patient is held back. A class that was
    /// not counted (a patient who consented or changed between the counting and the writing) is held back too: it
    /// cannot be shown to have k members.
    /// </summary>
    public QuasiIdentifiers? Publish(QuasiIdentifiers original) => _published.GetValueOrDefault(original);

    /// <summary>Every counted class and how it is published (null: held back).</summary>
    public IReadOnlyDictionary<QuasiIdentifiers, QuasiIdentifiers?> Mapping => _published;

    /// <param name="classSizes">Patients per quasi-identifier class, over everyone the export may contain.</param>
    public static KAnonymityPlan For(IReadOnlyDictionary<QuasiIdentifiers, int> classSizes, int k)
    {
        ArgumentNullException.ThrowIfNull(classSizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);

        var zipGeneralized = Step(classSizes, classSizes.Keys.ToDictionary(q => q, q => q), k, q => q with { Zip3 = Anonymizer.UnknownZip3 });
        var yearGeneralized = Step(classSizes, zipGeneralized, k, q => q with { BirthYear = Decade(q.BirthYear) });
        var final = Sizes(classSizes, yearGeneralized);

        var published = new Dictionary<QuasiIdentifiers, QuasiIdentifiers?>();
        int generalized = 0, suppressed = 0;
        foreach (var (original, size) in classSizes)
        {
            var candidate = yearGeneralized[original];
            if (final[candidate] >= k)
            {
                published[original] = candidate;
                generalized += candidate == original ? 0 : size;
            }
            else
            {
                published[original] = null;
                suppressed += size;
            }
        }

        return new KAnonymityPlan(k, published, classSizes.Values.Sum(), generalized, suppressed);
    }

    /// <summary>Applies <paramref name="generalize"/> to every class whose current form has fewer than k patients.</summary>
    private static Dictionary<QuasiIdentifiers, QuasiIdentifiers> Step(
        IReadOnlyDictionary<QuasiIdentifiers, int> sizes,
        Dictionary<QuasiIdentifiers, QuasiIdentifiers> current,
        int k,
        Func<QuasiIdentifiers, QuasiIdentifiers> generalize)
    {
        var currentSizes = Sizes(sizes, current);
        return current.ToDictionary(c => c.Key, c => currentSizes[c.Value] >= k ? c.Value : generalize(c.Value));
    }

    private static Dictionary<QuasiIdentifiers, int> Sizes(
        IReadOnlyDictionary<QuasiIdentifiers, int> sizes, Dictionary<QuasiIdentifiers, QuasiIdentifiers> mapping)
    {
        var result = new Dictionary<QuasiIdentifiers, int>();
        foreach (var (original, size) in sizes)
        {
            result[mapping[original]] = result.GetValueOrDefault(mapping[original]) + size;
        }

        return result;
    }

    private static string Decade(string birthYear) =>
        int.TryParse(birthYear, NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            ? $"{year - (year % 10)}-{year - (year % 10) + 9}"
            : birthYear;
}
