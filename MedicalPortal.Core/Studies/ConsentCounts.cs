namespace MedicalPortal.Core.Studies;

/// <summary>
/// Each study's consents across every shard: those in force and those withdrawn. A shard that did not answer is
/// named in <see cref="UnavailableShards"/> and left out of the counts.
/// </summary>
public sealed record ConsentCounts(IReadOnlyDictionary<Guid, StudyConsents> Studies, IReadOnlyList<string> UnavailableShards);

/// <summary>One study's consents: in force, and withdrawn.</summary>
public readonly record struct StudyConsents(int Active, int Withdrawn);
