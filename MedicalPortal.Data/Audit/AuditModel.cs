using MedicalPortal.Core.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// The audit tables every database has, and the marking that makes an entity audited: <see cref="Audited"/> on its
/// model configuration is all it takes for the interceptor to record its creates, updates and deletes.
/// </summary>
internal static class AuditModel
{
    private const string ResourceAnnotation = "MedicalPortal:AuditResource";
    private const string PatientIdAnnotation = "MedicalPortal:AuditPatientId";

    /// <summary>The widest actor name an entry holds; a longer name given at a sign-in is cut to it.</summary>
    public const int ActorNameMaxLength = 256;

    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditEntry>(entry =>
        {
            entry.ToTable("AuditLog");
            entry.HasKey(e => e.Sequence);
            entry.Property(e => e.Sequence).ValueGeneratedNever();
            entry.Property(e => e.ActorId).HasMaxLength(450);
            entry.Property(e => e.ActorName).HasMaxLength(ActorNameMaxLength);
            entry.Property(e => e.Action).HasMaxLength(16);
            entry.Property(e => e.Resource).HasMaxLength(32);
            entry.Property(e => e.ResourceId).HasMaxLength(512);
            entry.Property(e => e.CorrelationId).HasMaxLength(128);
            // Only indexes an append extends at their end (the sequence, the time) or in few places (the actors at
            // work). An index on the patient or on the record read put each read's entry at a random page of the index,
            // and those pages were most of what every group commit wrote (docs/decisions/0032).
            entry.HasIndex(e => e.Timestamp);
            entry.HasIndex(e => e.ActorId);
        });

        modelBuilder.Entity<AuditChainHead>(head =>
        {
            head.ToTable("AuditChainHead");
            head.HasKey(h => h.Id);
            head.Property(h => h.Id).ValueGeneratedNever();
            head.HasData(new AuditChainHead { Id = AuditChainHead.SingletonId, Sequence = 0, Hash = new byte[32], Seal = [] });
        });
    }

    /// <summary>Marks the entity audited as <paramref name="resource"/>, optionally naming its patient id property.</summary>
    public static EntityTypeBuilder<T> Audited<T>(this EntityTypeBuilder<T> entity, Resource resource, string? patientIdProperty = null)
        where T : class
    {
        entity.HasAnnotation(ResourceAnnotation, resource.ToString());
        if (patientIdProperty is not null)
        {
            entity.HasAnnotation(PatientIdAnnotation, patientIdProperty);
        }

        return entity;
    }

    public static Resource? AuditedAs(IReadOnlyEntityType entityType) =>
        entityType.FindAnnotation(ResourceAnnotation)?.Value is string resource ? Enum.Parse<Resource>(resource) : null;

    public static string? PatientIdProperty(IReadOnlyEntityType entityType) =>
        entityType.FindAnnotation(PatientIdAnnotation)?.Value as string;
}
