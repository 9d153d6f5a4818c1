namespace MedicalPortal.Core.Records;

/// <summary>
/// A record under optimistic concurrency: every change moves <see cref="Version"/> on, and a change based on an older
/// version is refused with a <see cref="ConcurrencyConflictException"/> instead of overwriting a colleague's change.
/// </summary>
public interface IVersionedRecord
{
    Guid Id { get; }

    int Version { get; }
}
