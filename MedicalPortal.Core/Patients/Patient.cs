using MedicalPortal.Core.Records;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Patients;

/// <summary>
/// A patient's registration record. It can only be created or changed through rules-checked input, and every change
/// moves <see cref="Version"/> on, which is what optimistic concurrency compares.
/// </summary>
public sealed class Patient : IVersionedRecord
{
    private Patient()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The bucket the id hashes to (<see cref="Sharding.Buckets.ForPatient"/>), stored so a shard can select a range of buckets.</summary>
    public int Bucket { get; private set; }

    public string Mrn { get; private set; } = "";

    public string GivenName { get; private set; } = "";

    public string FamilyName { get; private set; } = "";

    /// <summary>Search and sort form of <see cref="GivenName"/> (<see cref="NameKey"/>).</summary>
    public string GivenNameKey { get; private set; } = "";

    /// <summary>Search and sort form of <see cref="FamilyName"/> (<see cref="NameKey"/>).</summary>
    public string FamilyNameKey { get; private set; } = "";

    public DateOnly BirthDate { get; private set; }

    public Sex Sex { get; private set; }

    public string? Phone { get; private set; }

    public string? Email { get; private set; }

    public string? AddressLine { get; private set; }

    public string? City { get; private set; }

    public string? State { get; private set; }

    public string? PostalCode { get; private set; }

    public int Version { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Registers a patient under <paramref name="mrn"/>; throws <see cref="ValidationFailedException"/> on bad input.</summary>
    public static Patient Register(Guid id, string mrn, PatientInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cleaned = input.Cleaned() with { Mrn = mrn.Trim().ToUpperInvariant() };
        PatientRules.Validate(cleaned, DateOnly.FromDateTime(now.UtcDateTime)).ThrowIfInvalid();

        var patient = new Patient { Id = id, Bucket = Sharding.Buckets.ForPatient(id), Mrn = cleaned.Mrn, Version = 1, CreatedAt = now };
        patient.Apply(cleaned, now);
        return patient;
    }

    /// <summary>Changes the registration data. The MRN is fixed once assigned: a different one is refused.</summary>
    public void Update(PatientInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cleaned = input.Cleaned();
        var errors = PatientRules.Validate(cleaned, DateOnly.FromDateTime(now.UtcDateTime));
        if (cleaned.Mrn is not null && cleaned.Mrn != Mrn)
        {
            errors.Add("mrn", "The MRN cannot be changed once assigned.");
        }

        errors.ThrowIfInvalid();
        Apply(cleaned, now);
        Version++;
    }

    public PatientDto ToDto() =>
        new(Id, Mrn, GivenName, FamilyName, BirthDate, Sex, Phone, Email, AddressLine, City, State, PostalCode, Version);

    private void Apply(PatientInput cleaned, DateTimeOffset now)
    {
        GivenName = cleaned.GivenName!;
        FamilyName = cleaned.FamilyName!;
        GivenNameKey = NameKey.For(GivenName);
        FamilyNameKey = NameKey.For(FamilyName);
        BirthDate = cleaned.BirthDate!.Value;
        Sex = cleaned.Sex!.Value;
        Phone = cleaned.Phone;
        Email = cleaned.Email;
        AddressLine = cleaned.AddressLine;
        City = cleaned.City;
        State = cleaned.State;
        PostalCode = cleaned.PostalCode;
        UpdatedAt = now;
    }
}
