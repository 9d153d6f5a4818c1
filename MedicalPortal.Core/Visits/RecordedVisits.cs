namespace MedicalPortal.Core.Visits;

/// <summary>
/// The visits recorded in a period across every shard: how many, and the newest of them with their patients' names.
/// A shard that did not answer is named in <see cref="UnavailableShards"/>; its visits are neither counted nor listed.
/// </summary>
public sealed record RecordedVisits(int Count, IReadOnlyList<RecordedVisit> Newest, IReadOnlyList<string> UnavailableShards);

/// <summary>A visit as a list of the day's visits shows it: the visit, whose it is, and when it was recorded.</summary>
public sealed record RecordedVisit(VisitDto Visit, string PatientName, string Mrn, DateTimeOffset RecordedAt);
