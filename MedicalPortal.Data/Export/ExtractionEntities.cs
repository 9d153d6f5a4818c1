using MedicalPortal.Core.Export;

namespace MedicalPortal.Data.Export;

/// <summary>A row of the extraction history (catalog).</summary>
internal sealed class ExtractionRunRow
{
    public Guid Id { get; set; }

    public Guid StudyId { get; set; }

    public ExtractionStatus Status { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public DateTimeOffset? WindowAfter { get; set; }

    public DateTimeOffset WindowUntil { get; set; }

    public string FileName { get; set; } = "";

    public int Rows { get; set; }

    public int Patients { get; set; }

    public int SuppressedPatients { get; set; }

    /// <summary>Distinct diagnosis codes the file shows as their three-character category.</summary>
    public int GeneralizedCodes { get; set; }

    /// <summary>Distinct diagnosis codes left out of the file, held by fewer than k of its patients even as their category.</summary>
    public int SuppressedCodes { get; set; }

    public string? Sha256 { get; set; }

    /// <summary>The date the run's quasi-identifiers were computed on (its baseline; see <see cref="Plan"/>).</summary>
    public DateOnly? PlannedOn { get; set; }

    /// <summary>
    /// The published form of every class, as JSON rows <c>[birthYear, sex, zip3, publishedBirthYear, publishedSex,
    /// publishedZip3]</c> (the published part null when held back). Classes only: no patient, no research id.
    /// </summary>
    public string? Plan { get; set; }

    public ExtractionRun ToRun() =>
        new(Id, StudyId, Status, StartedAt, FinishedAt, WindowAfter, WindowUntil, FileName, Rows, Patients, SuppressedPatients,
            GeneralizedCodes, SuppressedCodes, Sha256);
}

/// <summary>A named lease (catalog): whoever holds an unexpired one does the job; everyone else skips it.</summary>
internal sealed class LeaseRow
{
    public string Name { get; set; } = "";

    public string Holder { get; set; } = "";

    public DateTimeOffset ExpiresAt { get; set; }
}
