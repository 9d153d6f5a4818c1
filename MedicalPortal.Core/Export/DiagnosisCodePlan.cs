namespace MedicalPortal.Core.Export;

/// <summary>
/// Counts, over the patients of one release, how many hold each diagnosis code: the pass before a release's rows are
/// written. Memory grows with the codes that occur (ICD-10 has about 70,000), never with the patients.
/// </summary>
public sealed class DiagnosisCodeCounter
{
    private readonly Dictionary<string, int> _patientsPerCode = new(StringComparer.Ordinal);

    // Per category, the codes of that category one patient holds, sorted and joined: how many patients the category
    // would cover depends on which of its codes turn out rare, which is known only once everyone is counted.
    private readonly Dictionary<string, int> _patientsPerCategoryCodes = new(StringComparer.Ordinal);

    /// <summary>Counts one patient of the release, with the codes of all their visits (each code once, however often it occurs).</summary>
    public void Add(IEnumerable<string> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        foreach (var category in codes.Distinct(StringComparer.Ordinal).GroupBy(DiagnosisCodePlan.CategoryOf, StringComparer.Ordinal))
        {
            foreach (var code in category)
            {
                _patientsPerCode[code] = _patientsPerCode.GetValueOrDefault(code) + 1;
            }

            var key = string.Join(';', category.Order(StringComparer.Ordinal));
            _patientsPerCategoryCodes[key] = _patientsPerCategoryCodes.GetValueOrDefault(key) + 1;
        }
    }

    internal IReadOnlyDictionary<string, int> PatientsPerCode => _patientsPerCode;

    /// <summary>Per category and set of its codes, how many patients hold exactly that set (codes joined by ';').</summary>
    internal IReadOnlyDictionary<string, int> PatientsPerCategoryCodes => _patientsPerCategoryCodes;
}

/// <summary>
/// How each diagnosis code is published so that no code in a release singles anybody out: every code that leaves is
/// held by at least k patients of that release. A code held by fewer is generalized to its three-character ICD-10
/// category (<c>E11.65</c> becomes <c>E11</c>) when the category, counted over the patients who would show it, has k;
/// otherwise it is left out of the rows. The counts are those of the release being written (a download, or one file of
/// the scheduled extraction), without the patients k-anonymity holds back: what a recipient receives is what must hold k.
/// </summary>
public sealed class DiagnosisCodePlan
{
    private readonly Dictionary<string, string?> _published;

    private DiagnosisCodePlan(Dictionary<string, string?> published)
    {
        _published = published;
        GeneralizedCodes = published.Count(p => p.Value is { } shown && !string.Equals(shown, p.Key, StringComparison.Ordinal));
        SuppressedCodes = published.Count(p => p.Value is null);
    }

    /// <summary>Distinct codes of the release published as their category.</summary>
    public int GeneralizedCodes { get; }

    /// <summary>Distinct codes of the release left out of its rows.</summary>
    public int SuppressedCodes { get; }

    /// <summary>The three-character ICD-10 category of a code: <c>E11.65</c> gives <c>E11</c>; a category is its own.</summary>
    public static string CategoryOf(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        return code.Length > 3 ? code[..3] : code;
    }

    /// <summary>
    /// How <paramref name="code"/> is published: as it is, as its category, or not at all (null). A code that was not
    /// counted (a visit recorded between the counting and the writing) is left out: it cannot be shown to have k holders.
    /// </summary>
    public string? Publish(string code) => _published.GetValueOrDefault(code);

    /// <summary>
    /// The patient as the release shows them: each visit with its codes published, in their order, each once (two rare
    /// codes of one category become the category once), the ones left out dropped.
    /// </summary>
    public ExportPatient Apply(ExportPatient patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return patient with
        {
            Visits = [.. patient.Visits.Select(v => v with
            {
                DiagnosisCodes = [.. v.DiagnosisCodes.Select(Publish).OfType<string>().Distinct(StringComparer.Ordinal)],
            })],
        };
    }

    /// <param name="counts">The codes of every patient the release will contain.</param>
    /// <param name="k">At least this many patients of the release hold every published code.</param>
    public static DiagnosisCodePlan For(DiagnosisCodeCounter counts, int k)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);

        bool Rare(string code) => counts.PatientsPerCode[code] < k;

        // The patients who would show a category: those holding it as a code of its own, and those holding a rare
        // code of it (which becomes the category). A patient holding only common codes of it shows those instead.
        var showingCategory = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (key, patients) in counts.PatientsPerCategoryCodes)
        {
            var codes = key.Split(';');
            var category = CategoryOf(codes[0]);
            if (codes.Any(c => string.Equals(c, category, StringComparison.Ordinal) || Rare(c)))
            {
                showingCategory[category] = showingCategory.GetValueOrDefault(category) + patients;
            }
        }

        var published = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var code in counts.PatientsPerCode.Keys)
        {
            var category = CategoryOf(code);
            published[code] = !Rare(code) ? code
                : showingCategory.GetValueOrDefault(category) >= k ? category
                : null;
        }

        return new DiagnosisCodePlan(published);
    }
}
