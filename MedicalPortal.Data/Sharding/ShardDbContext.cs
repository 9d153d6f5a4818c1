using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Validation;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Audit;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Sharding;

/// <summary>
/// One shard: patients, their visits and their enrollments, always together (co-location). Each provider has a
/// subclass with its own migrations (<c>Migrations/&lt;Provider&gt;/Shard</c>).
/// </summary>
public abstract class ShardDbContext : DbContext, IAuditedContext
{
    protected ShardDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>Who the audit trail names for what this context saves; set by whoever opens it to write.</summary>
    public AuditActor? Actor { get; set; }

    /// <summary>
    /// The provider's binary collation for the columns search sorts and pages by, or null where the default already
    /// compares by code point (SQLite's BINARY). The cross-shard merge compares in code point order
    /// (<see cref="CodePointComparer"/>): every shard must return its rows in that same order, whatever the server's locale.
    /// </summary>
    protected virtual string? BinaryCollation => null;

    internal DbSet<Patient> Patients => Set<Patient>();

    internal DbSet<Visit> Visits => Set<Visit>();

    internal DbSet<Enrollment> Enrollments => Set<Enrollment>();

    internal DbSet<BucketFence> BucketFences => Set<BucketFence>();

    internal DbSet<ArchivedAuditEntry> ArchivedAuditEntries => Set<ArchivedAuditEntry>();

    /// <summary>
    /// Set by a bucket move for the rows it copies, upserts or deletes as they are: those are not changes, and leave no
    /// audit entry of their own (the move itself is audited). Never set by anything serving a request.
    /// </summary>
    internal bool CopiesForMove { get; set; }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) =>
        AuditedSave.SaveAsync(this, acceptAllChangesOnSuccess, base.SaveChangesAsync, cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        AuditModel.Configure(modelBuilder);

        modelBuilder.Entity<Patient>(patient =>
        {
            patient.Audited(Resource.Patient, nameof(Patient.Id));
            patient.HasKey(p => p.Id);
            patient.Property(p => p.Mrn).HasMaxLength(20);
            patient.HasIndex(p => p.Mrn).IsUnique();
            patient.Property(p => p.GivenName).HasMaxLength(FieldRules.NameMaxLength);
            patient.Property(p => p.FamilyName).HasMaxLength(FieldRules.NameMaxLength);
            patient.Property(p => p.GivenNameKey).HasMaxLength(FieldRules.NameMaxLength);
            patient.Property(p => p.FamilyNameKey).HasMaxLength(FieldRules.NameMaxLength);
            patient.Property(p => p.Sex).HasConversion<string>().HasMaxLength(16);
            patient.Property(p => p.Phone).HasMaxLength(32);
            patient.Property(p => p.Email).HasMaxLength(FieldRules.EmailMaxLength);
            patient.Property(p => p.AddressLine).HasMaxLength(FieldRules.LineMaxLength);
            patient.Property(p => p.City).HasMaxLength(FieldRules.NameMaxLength);
            patient.Property(p => p.State).HasMaxLength(2);
            patient.Property(p => p.PostalCode).HasMaxLength(10);
            patient.Property(p => p.Version).IsConcurrencyToken();
            if (BinaryCollation is { } collation)
            {
                patient.Property(p => p.FamilyNameKey).UseCollation(collation);
                patient.Property(p => p.GivenNameKey).UseCollation(collation);
                patient.Property(p => p.Mrn).UseCollation(collation);
            }

            // The list order (and the cursor) of patient search, and the prefix searches on either name.
            patient.HasIndex(p => new { p.FamilyNameKey, p.GivenNameKey, p.Mrn });
            patient.HasIndex(p => p.GivenNameKey);
            patient.HasIndex(p => p.BirthDate);
            patient.HasIndex(p => p.Bucket);

            // The day's registrations (the front desk's home page).
            patient.HasIndex(p => p.CreatedAt);
            patient.HasQueryFilter(p => !BucketFences.Any(f => f.State == FenceState.Moved && f.FirstBucket <= p.Bucket && f.LastBucket >= p.Bucket));
        });

        modelBuilder.Entity<Visit>(visit =>
        {
            visit.Audited(Resource.Visit, nameof(Visit.PatientId));
            visit.HasKey(v => v.Id);
            visit.HasOne<Patient>().WithMany().HasForeignKey(v => v.PatientId).OnDelete(DeleteBehavior.Cascade);
            visit.HasIndex(v => new { v.PatientId, v.StartedAt });
            visit.Property(v => v.Type).HasConversion<string>().HasMaxLength(16);
            visit.Property(v => v.Clinician).HasMaxLength(FieldRules.NameMaxLength);
            visit.Property(v => v.Reason).HasMaxLength(VisitRules.ReasonMaxLength);
            visit.Property(v => v.Notes).HasMaxLength(VisitRules.NotesMaxLength);
            visit.Property(v => v.HeightCm).HasPrecision(5, 1);
            visit.Property(v => v.WeightKg).HasPrecision(6, 2);
            visit.Property(v => v.TemperatureC).HasPrecision(4, 1);
            visit.PrimitiveCollection(v => v.DiagnosisCodes);
            visit.Property(v => v.Version).IsConcurrencyToken();
            visit.HasIndex(v => v.UpdatedAt);
            visit.HasIndex(v => v.Bucket);
            visit.HasQueryFilter(v => !BucketFences.Any(f => f.State == FenceState.Moved && f.FirstBucket <= v.Bucket && f.LastBucket >= v.Bucket));
        });

        modelBuilder.Entity<Enrollment>(enrollment =>
        {
            enrollment.Audited(Resource.Enrollment, nameof(Enrollment.PatientId));
            enrollment.HasKey(e => e.Id);
            enrollment.HasOne<Patient>().WithMany().HasForeignKey(e => e.PatientId).OnDelete(DeleteBehavior.Cascade);
            enrollment.HasIndex(e => new { e.StudyId, e.PatientId });

            // At most one active consent per patient and study; a withdrawn patient may consent again later.
            enrollment.HasIndex(e => new { e.StudyId, e.PatientId }, "IX_Enrollments_OneActivePerStudy")
                .IsUnique()
                .HasFilter("\"WithdrawnAt\" IS NULL");
            enrollment.Ignore(e => e.IsActive);
            enrollment.Property(e => e.Version).IsConcurrencyToken();
            enrollment.HasIndex(e => e.Bucket);
            enrollment.HasQueryFilter(e => !BucketFences.Any(f => f.State == FenceState.Moved && f.FirstBucket <= e.Bucket && f.LastBucket >= e.Bucket));
        });

        // Rows of buckets moved away are left out of every query (a node whose map is stale still reads nothing
        // there); a bucket move reads past the filter (IgnoreQueryFilters).
        modelBuilder.Entity<BucketFence>(fence =>
        {
            fence.ToTable("BucketFences");
            fence.HasKey(f => f.FirstBucket);
            fence.Property(f => f.FirstBucket).ValueGeneratedNever();
            fence.Property(f => f.State).HasConversion<string>().HasMaxLength(16);
        });

        modelBuilder.Entity<ArchivedAuditEntry>(entry =>
        {
            entry.ToTable("ArchivedAuditLog");
            entry.HasKey(e => new { e.Database, e.Sequence });
            entry.Property(e => e.Database).HasMaxLength(ShardNames.MaxLength);
            entry.Property(e => e.ActorId).HasMaxLength(450);
            entry.Property(e => e.ActorName).HasMaxLength(256);
            entry.Property(e => e.Action).HasMaxLength(16);
            entry.Property(e => e.Resource).HasMaxLength(32);
            entry.Property(e => e.ResourceId).HasMaxLength(512);
            entry.Property(e => e.CorrelationId).HasMaxLength(128);
            entry.HasIndex(e => e.PatientId);
        });
    }
}
