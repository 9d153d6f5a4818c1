using System.Globalization;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Patients;

/// <summary>
/// A parsed patient search. The text is split into terms: a date (<c>1984-03-09</c> or <c>3/9/1984</c>) matches the
/// birth date, a term with a digit matches the start of the MRN, and any other term must start the given or the
/// family name. All terms must match.
/// </summary>
public sealed record PatientSearch
{
    public const int MaxNameTerms = 5;

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "M/d/yyyy"];

    public IReadOnlyList<string> NamePrefixes { get; init; } = [];

    public string? MrnPrefix { get; init; }

    public DateOnly? BirthDate { get; init; }

    /// <summary>Set by the service for own-record callers: nothing but this patient can match.</summary>
    public Guid? OnlyPatientId { get; init; }

    public PatientSortKey? After { get; init; }

    public int Limit { get; init; } = PageLimits.Default;

    public static PatientSearch Parse(string? text, string? cursor, int? limit)
    {
        var errors = new ValidationErrors();
        var names = new List<string>();
        string? mrn = null;
        DateOnly? birthDate = null;

        var terms = (text ?? "").Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var term in terms)
        {
            if (DateOnly.TryParseExact(term, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                if (birthDate is not null && birthDate != date)
                {
                    errors.Add("q", "Search for one birth date at a time.");
                }

                birthDate = date;
            }
            else if (term.Any(char.IsAsciiDigit))
            {
                if (mrn is not null)
                {
                    errors.Add("q", "Search for one MRN at a time.");
                }

                mrn = term.ToUpperInvariant();
            }
            else if (NameKey.For(term) is { Length: > 0 } key)
            {
                names.Add(key);
            }
        }

        if (names.Count > MaxNameTerms)
        {
            errors.Add("q", $"Use at most {MaxNameTerms} name words in a search.");
        }

        if (text?.Length > 200)
        {
            errors.Add("q", "Search text must be at most 200 characters.");
        }

        errors.ThrowIfInvalid();
        return new PatientSearch
        {
            NamePrefixes = names,
            MrnPrefix = mrn,
            BirthDate = birthDate,
            After = PatientSortKey.FromCursor(cursor),
            Limit = PageLimits.Resolve(limit),
        };
    }
}
