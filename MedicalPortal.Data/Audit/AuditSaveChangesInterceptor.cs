using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Writes one audit entry per created, updated or deleted audited entity (<see cref="AuditModel.Audited"/>), into the
/// same database and the same transaction as the change: both commit together or neither does. When the caller has
/// no transaction, the interceptor opens one around SaveChanges and commits or rolls it back with it. The actor is the
/// one the context carries (<see cref="IAuditedContext"/>); a save of audited changes that names nobody is refused.
/// </summary>
internal sealed class AuditSaveChangesInterceptor(AuditChain chain) : SaveChangesInterceptor
{
    /// <summary>Values that must never be copied anywhere, not even into the audit trail.</summary>
    private static readonly HashSet<string> Redacted = new(StringComparer.Ordinal)
    {
        "PasswordHash", "SecurityStamp", "ConcurrencyStamp", "Value", "CredentialId", "Data",

        // A registered shard's connection string, protected as it is: the trail says a shard was added, not where to.
        "ProtectedConnectionString",
    };

    private readonly ConditionalWeakTable<DbContext, IDbContextTransaction> _owned = [];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is not { } context || context is Sharding.ShardDbContext { CopiesForMove: true })
        {
            return result;
        }

        context.ChangeTracker.DetectChanges();
        var entries = Describe(context.ChangeTracker);
        if (entries.Count == 0)
        {
            return result;
        }

        var actor = ActorOf(context);
        foreach (var entry in entries)
        {
            (entry.ActorId, entry.ActorName) = (actor.AccountId, actor.Name);
        }

        if (context.Database.CurrentTransaction is null)
        {
            _owned.AddOrUpdate(context, await context.Database.BeginTransactionAsync(cancellationToken));
        }

        try
        {
            await chain.AppendAsync(context, entries, cancellationToken);
        }
        catch
        {
            // Refused before anything was written (a bucket move's fence, say): the transaction this save opened ends here.
            await RollBackAsync(context);
            throw;
        }

        return result;
    }

    /// <summary>
    /// A synchronous save may only carry changes that are not audited (the Data Protection key ring, whose library
    /// saves synchronously); one that carries audited changes is refused, since the chain is written asynchronously.
    /// </summary>
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } context)
        {
            context.ChangeTracker.DetectChanges();
            if (Describe(context.ChangeTracker).Count > 0)
            {
                throw new NotSupportedException("Audited changes are saved asynchronously (SaveChangesAsync).");
            }
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is { } context && _owned.TryGetValue(context, out var transaction))
        {
            _owned.Remove(context);
            await transaction.CommitAsync(cancellationToken);
            await transaction.DisposeAsync();
        }

        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        await RollBackAsync(eventData.Context);
    }

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        await RollBackAsync(eventData.Context);
    }

    private async Task RollBackAsync(DbContext? context)
    {
        if (context is not null && _owned.TryGetValue(context, out var transaction))
        {
            _owned.Remove(context);
            await transaction.RollbackAsync(CancellationToken.None);
            await transaction.DisposeAsync();

            // The audit entries were added to this context for the failed save; they must not be saved by a retry.
            AuditChain.ForgetUnsaved(context);
        }
    }

    /// <summary>The actor <paramref name="context"/> names; an audited change without one is a bug, never "system".</summary>
    private static AuditActor ActorOf(DbContext context) =>
        (context as IAuditedContext)?.Actor
        ?? throw new InvalidOperationException(
            $"An audited change was saved through a {context.GetType().Name} that names no actor: whoever opens a context to write sets its actor.");

    /// <summary>One entry per audited change, not yet attributed: the actor is asked for only when there is one.</summary>
    private static List<AuditEntry> Describe(ChangeTracker tracker)
    {
        var audited = new List<AuditEntry>();
        foreach (var entry in tracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)
                || AuditModel.AuditedAs(entry.Metadata) is not { } resource)
            {
                continue;
            }

            var changes = Changes(entry);
            if (entry.State == EntityState.Modified && changes.Count == 0)
            {
                continue;
            }

            audited.Add(new AuditEntry
            {
                Action = (entry.State switch
                {
                    EntityState.Added => AuditAction.Create,
                    EntityState.Deleted => AuditAction.Delete,
                    _ => AuditAction.Update,
                }).ToString(),
                Resource = resource.ToString(),
                ResourceId = KeyOf(entry),
                PatientId = PatientIdOf(entry),
                Changes = JsonSerializer.Serialize(changes, AuditJson.Default.ListAuditChange),
            });
        }

        return audited;
    }

    private static List<AuditChange> Changes(EntityEntry entry)
    {
        var changes = new List<AuditChange>();
        foreach (var property in entry.Properties)
        {
            var name = property.Metadata.Name;
            var (old, current) = entry.State switch
            {
                EntityState.Added => (null, Format(property.CurrentValue)),
                EntityState.Deleted => (Format(property.OriginalValue), null),
                _ when property.IsModified && !Equals(property.OriginalValue, property.CurrentValue)
                    => (Format(property.OriginalValue), Format(property.CurrentValue)),
                _ => ((string?)null, (string?)null),
            };

            if (old is null && current is null)
            {
                continue;
            }

            changes.Add(Redacted.Contains(name)
                ? new AuditChange(name, old is null ? null : "[redacted]", current is null ? null : "[redacted]")
                : new AuditChange(name, old, current));
        }

        return changes;
    }

    private static string KeyOf(EntityEntry entry) =>
        string.Join("/", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => Format(entry.Property(p.Name).CurrentValue)));

    private static Guid? PatientIdOf(EntityEntry entry) =>
        AuditModel.PatientIdProperty(entry.Metadata) is { } property && entry.Property(property).CurrentValue is Guid id ? id : null;

    private static string? Format(object? value) => CanonicalValue.Format(value);
}
