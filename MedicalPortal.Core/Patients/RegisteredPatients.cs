namespace MedicalPortal.Core.Patients;

/// <summary>
/// The patients registered in a period across every shard: how many, and the newest of them. A shard that did not
/// answer is named in <see cref="UnavailableShards"/>; its patients are neither counted nor listed.
/// </summary>
public sealed record RegisteredPatients(int Count, IReadOnlyList<RegisteredPatient> Newest, IReadOnlyList<string> UnavailableShards);

/// <summary>A patient and when their record was created.</summary>
public sealed record RegisteredPatient(PatientDto Patient, DateTimeOffset RegisteredAt);
