using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Export;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Sharding;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Catalog;

/// <summary>
/// The one catalog database: accounts and roles, the permission matrix, studies, the shard map, the shards operators
/// added (the shard registry), the MRN registry, and the Data Protection keys every node shares (so that a cookie or token issued by one node is read by all).
/// Each provider has a subclass with its own migrations (<c>Migrations/&lt;Provider&gt;/Catalog</c>).
/// </summary>
public abstract class CatalogDbContext
    : IdentityDbContext<ApplicationUser, IdentityRole, string>, IDataProtectionKeyContext, IAuditedContext
{
    private IdentityActor? _identityActor;

    protected CatalogDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>
    /// Who the audit trail names for what this context saves: set by whoever opens it to write, or, for the scope's
    /// context that Identity's managers use, the <see cref="IdentityActor"/> the host named for the request.
    /// </summary>
    public AuditActor? Actor
    {
        get => field ?? _identityActor?.Actor;
        set;
    }

    internal DbSet<ShardRangeRow> ShardRanges => Set<ShardRangeRow>();

    internal DbSet<ShardRegistrationRow> ShardRegistrations => Set<ShardRegistrationRow>();

    internal DbSet<ShardMapStateRow> ShardMapState => Set<ShardMapStateRow>();

    internal DbSet<BucketMoveRow> BucketMoves => Set<BucketMoveRow>();

    internal DbSet<MrnReservation> MrnReservations => Set<MrnReservation>();

    internal DbSet<RolePermission> RolePermissions => Set<RolePermission>();

    internal DbSet<MedicalStudy> Studies => Set<MedicalStudy>();

    internal DbSet<ExtractionRunRow> ExtractionRuns => Set<ExtractionRunRow>();

    internal DbSet<LeaseRow> Leases => Set<LeaseRow>();

    internal DbSet<ApiSessionRow> ApiSessions => Set<ApiSessionRow>();

    internal DbSet<AuditVerificationRow> AuditVerifications => Set<AuditVerificationRow>();

    internal DbSet<ApiRefreshTokenRow> ApiRefreshTokens => Set<ApiRefreshTokenRow>();

    /// <summary>The key ring of ASP.NET Core Data Protection (cookies, bearer tokens, antiforgery).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Makes this (scoped) context name whoever <paramref name="identityActor"/> names when it saves.</summary>
    internal CatalogDbContext ActingFor(IdentityActor identityActor)
    {
        _identityActor = identityActor;
        return this;
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) =>
        AuditedSave.SaveAsync(this, acceptAllChangesOnSuccess, base.SaveChangesAsync, cancellationToken);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);
        AuditModel.Configure(builder);

        // Accounts, roles and the matrix are audited like patient data: who gave whom which rights, and when.
        builder.Entity<IdentityUserRole<string>>().Audited(Resource.Account);
        builder.Entity<IdentityUserClaim<string>>().Audited(Resource.Account);
        builder.Entity<IdentityUserLogin<string>>().Audited(Resource.Account);
        builder.Entity<IdentityUserToken<string>>().Audited(Resource.Account);
        builder.Entity<IdentityUserPasskey<string>>().Audited(Resource.Account);
        builder.Entity<IdentityRole>().Audited(Resource.Role);
        builder.Entity<IdentityRoleClaim<string>>().Audited(Resource.Role);
        builder.Entity<DataProtectionKey>();

        // API sessions and their refresh tokens: not audited (a token's hash is a secret of sorts, and every refresh
        // would be an entry); the sign-ins that start them are in the trail.
        builder.Entity<ApiSessionRow>(session =>
        {
            session.ToTable("ApiSessions");
            session.HasKey(s => s.Id);
            session.Property(s => s.Id).ValueGeneratedNever();
            session.Property(s => s.AccountId).HasMaxLength(450);
            session.Property(s => s.SecurityStamp).HasMaxLength(256);
            session.Property(s => s.EndReason).HasMaxLength(16);
            session.HasIndex(s => s.AccountId);
            session.HasIndex(s => s.ExpiresAt);
        });
        builder.Entity<ApiRefreshTokenRow>(token =>
        {
            token.ToTable("ApiRefreshTokens");
            token.HasKey(t => t.Hash);
            token.Property(t => t.Hash).HasMaxLength(64);
            token.HasIndex(t => t.SessionId);
            token.HasOne<ApiSessionRow>().WithMany().HasForeignKey(t => t.SessionId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ApplicationUser>(user =>
        {
            user.Audited(Resource.Account);
            user.Property(u => u.DisplayName).HasMaxLength(100);
            user.HasIndex(u => u.PatientId).IsUnique();
        });

        builder.Entity<ShardRangeRow>(range =>
        {
            range.ToTable("ShardMap");
            range.HasKey(r => r.FirstBucket);
            range.Property(r => r.FirstBucket).ValueGeneratedNever();
            range.Property(r => r.Shard).HasMaxLength(ShardNames.MaxLength);
        });

        builder.Entity<ShardRegistrationRow>(registration =>
        {
            // Who added which shard, and when, is in the audit trail. The permission model has no resource for the
            // installation's databases; Role is the one of those who administer it, as for the System page.
            registration.Audited(Resource.Role);
            registration.ToTable("ShardRegistrations");
            registration.HasKey(r => r.Name);
            registration.Property(r => r.Name).HasMaxLength(ShardNames.MaxLength);
        });

        builder.Entity<ShardMapStateRow>(state =>
        {
            state.ToTable("ShardMapState");
            state.HasKey(s => s.Id);
            state.Property(s => s.Id).ValueGeneratedNever();
            state.Property(s => s.Version).IsConcurrencyToken();
            state.HasData(new ShardMapStateRow { Id = ShardMapStateRow.SingletonId, Version = 1 });
        });

        builder.Entity<BucketMoveRow>(move =>
        {
            // Each stage of a move is in the trail, with who started it (Role, as for the shard registry).
            move.Audited(Resource.Role);
            move.ToTable("BucketMoves");
            move.HasKey(m => m.Id);
            move.Property(m => m.Source).HasMaxLength(ShardNames.MaxLength);
            move.Property(m => m.Target).HasMaxLength(ShardNames.MaxLength);
            move.Property(m => m.Stage).HasConversion<string>().HasMaxLength(16);
            move.Property(m => m.StartedBy).HasMaxLength(256);
            move.Property(m => m.Checksums).HasMaxLength(512);
        });

        builder.Entity<AuditVerificationRow>(verification =>
        {
            // Not audited itself: an outcome anyone can reproduce by checking again, not a change to any record.
            verification.ToTable("AuditVerifications");
            verification.HasKey(v => v.Database);
            verification.Property(v => v.Database).HasMaxLength(ShardNames.MaxLength);
            verification.Property(v => v.Problem).HasMaxLength(32);
            verification.Property(v => v.CheckedBy).HasMaxLength(AuditModel.ActorNameMaxLength);
        });

        builder.Entity<MrnReservation>(mrn =>
        {
            mrn.HasKey(m => m.Mrn);
            mrn.Property(m => m.Mrn).HasMaxLength(20);
        });

        builder.Entity<RolePermission>(permission =>
        {
            permission.Audited(Resource.Role);
            permission.HasKey(p => new { p.Role, p.Resource });
            permission.Property(p => p.Role).HasMaxLength(256);
            permission.Property(p => p.Resource).HasConversion<string>().HasMaxLength(32);
        });

        builder.Entity<ExtractionRunRow>(run =>
        {
            run.ToTable("ExtractionRuns");
            run.HasKey(r => r.Id);
            run.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);

            // A state change succeeds only from the state this node read: two nodes can never both move a run.
            run.Property(r => r.Status).IsConcurrencyToken();
            run.Property(r => r.FileName).HasMaxLength(64);
            run.Property(r => r.Sha256).HasMaxLength(64);
            run.HasIndex(r => new { r.StudyId, r.WindowUntil });

            // At most one unfinished run per study, whatever races.
            run.HasIndex(r => r.StudyId, "IX_ExtractionRuns_OneUnfinishedPerStudy").IsUnique().HasFilter("\"Status\" <> 'Completed'");
        });

        builder.Entity<LeaseRow>(lease =>
        {
            lease.ToTable("Leases");
            lease.HasKey(l => l.Name);
            lease.Property(l => l.Name).HasMaxLength(64);
            lease.Property(l => l.Holder).HasMaxLength(256);
        });

        builder.Entity<MedicalStudy>(study =>
        {
            study.Audited(Resource.MedicalStudy);
            study.ToTable("Studies");
            study.HasKey(s => s.Id);
            study.Property(s => s.Title).HasMaxLength(StudyRules.TitleMaxLength);
            study.Property(s => s.Description).HasMaxLength(StudyRules.DescriptionMaxLength);
            study.Property(s => s.PrincipalInvestigator).HasMaxLength(100);
            study.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            study.Property(s => s.Version).IsConcurrencyToken();
        });
    }
}
