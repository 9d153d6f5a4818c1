using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Studies;

/// <summary>
/// A patient's consent to take part in a study. Lives on the patient's shard (its id carries the bucket).
/// Withdrawal is recorded, never erased, so every later extraction can leave the patient out.
/// </summary>
public sealed class Enrollment : IVersionedRecord
{
    private Enrollment()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The patient's bucket, which the id also carries: stored so a shard can select a range of buckets.</summary>
    public int Bucket { get; private set; }

    public Guid StudyId { get; private set; }

    public Guid PatientId { get; private set; }

    public DateTimeOffset ConsentedAt { get; private set; }

    public DateTimeOffset? WithdrawnAt { get; private set; }

    public int Version { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsActive => WithdrawnAt is null;

    public static Enrollment Consent(Guid studyId, Guid patientId, DateTimeOffset? consentedAt, DateTimeOffset now)
    {
        var bucket = Buckets.ForPatient(patientId);
        return new Enrollment
        {
            Id = Buckets.NewRecordId(bucket, now),
            Bucket = bucket,
            StudyId = studyId,
            PatientId = patientId,
            ConsentedAt = ValidConsent(consentedAt, now),
            Version = 1,
            UpdatedAt = now,
        };
    }

    /// <summary>Corrects the date of consent (a transcription error on paper consent forms, typically).</summary>
    public void CorrectConsent(DateTimeOffset? consentedAt, DateTimeOffset now)
    {
        ConsentedAt = ValidConsent(consentedAt, now);
        UpdatedAt = now;
        Version++;
    }

    public void Withdraw(DateTimeOffset now)
    {
        if (WithdrawnAt is not null)
        {
            return;
        }

        WithdrawnAt = now;
        UpdatedAt = now;
        Version++;
    }

    private static DateTimeOffset ValidConsent(DateTimeOffset? consentedAt, DateTimeOffset now)
    {
        var errors = new ValidationErrors();
        if (consentedAt is null)
        {
            errors.Add("consentedAt", "The date of consent is required.");
        }
        else if (consentedAt > now + TimeSpan.FromMinutes(5))
        {
            errors.Add("consentedAt", "Consent cannot be dated in the future.");
        }

        errors.ThrowIfInvalid();
        return consentedAt!.Value.ToUniversalTime();
    }

    public EnrollmentDto ToDto() => new(Id, StudyId, PatientId, ConsentedAt, WithdrawnAt, Version);
}
