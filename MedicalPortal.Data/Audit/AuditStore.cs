using System.Globalization;
using System.Text.Json;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Sharding;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Reads the chains of the catalog and every shard in parallel and merges them newest first; checks them with
/// <see cref="AuditVerifier"/>. Databases are named "catalog" and by shard name.
/// </summary>
internal sealed class AuditStore(
    IDbContextFactory<CatalogDbContext> catalog,
    ShardContextFactory shards,
    IShardMap map,
    AuditKeyRing keys) : IAuditStore
{
    public const string CatalogName = "catalog";

    public async Task<Page<AuditEntryDto>> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var after = Cursor.Decode(query.Cursor, 3) is { } parts ? ParseCursor(parts) : default((DateTimeOffset, string, long)?);

        var perDatabase = await Task.WhenAll(Databases(query).Select(async database =>
        {
            await using var context = database.Open();
            return (database.Name, Entries: await Filter(context.Set<AuditEntry>().AsNoTracking(), query, database.Name, after)
                .OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Sequence)
                .Take(query.Limit + 1)
                .ToListAsync(cancellationToken));
        }));

        var merged = perDatabase
            .SelectMany(d => d.Entries.Select(e => (Database: d.Name, Entry: e)))
            .OrderByDescending(x => x.Entry.Timestamp)
            .ThenBy(x => x.Database, StringComparer.Ordinal)
            .ThenByDescending(x => x.Entry.Sequence)
            .ToList();
        var page = merged.Take(query.Limit).ToList();
        var next = merged.Count > query.Limit
            ? Cursor.Encode([page[^1].Entry.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), page[^1].Database,
                page[^1].Entry.Sequence.ToString(CultureInfo.InvariantCulture)])
            : null;
        return new Page<AuditEntryDto>(page.Select(x => ToDto(x.Database, x.Entry)).ToList(), next);
    }

    public async Task<IReadOnlyList<ChainVerification>> VerifyAsync(CancellationToken cancellationToken)
    {
        var results = new List<ChainVerification>();
        foreach (var database in AllDatabases())
        {
            await using var context = database.Open();
            results.Add(await new AuditVerifier(keys.Key).VerifyAsync(context, database.Name, cancellationToken));
        }

        return results;
    }

    private IEnumerable<Database> Databases(AuditQuery query) =>
        query.PatientId is { } patientId
            ? [new Database(map.ShardForPatient(patientId), () => shards.Create(map.ShardForPatient(patientId)))]
            : AllDatabases();

    private IEnumerable<Database> AllDatabases() =>
        new[] { new Database(CatalogName, catalog.CreateDbContext) }
            .Concat(shards.Known.Select(s => new Database(s, () => shards.Create(s))));

    /// <summary>Entries after the cursor in the order (timestamp desc, database name asc, sequence desc).</summary>
    private static IQueryable<AuditEntry> Filter(IQueryable<AuditEntry> entries, AuditQuery query, string database, (DateTimeOffset At, string Database, long Sequence)? after)
    {
        if (query.PatientId is { } patientId)
        {
            var text = patientId.ToString("D");
            entries = entries.Where(e => e.PatientId == patientId || e.PatientIds.Contains(text));
        }

        if (query.Actor is { } actor)
        {
            // The name is matched as typed: % and _ are letters here, not wildcards. Case does not matter on any
            // provider (LIKE ignores it on SQLite and SQL Server's usual collations, not on PostgreSQL), so both sides
            // are lowered.
            var pattern = actor.ToLowerInvariant()
                .Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            // ToLower() here is SQL's lower(), run by the database: no .NET culture takes part.
#pragma warning disable CA1304, CA1311
            entries = entries.Where(e => e.ActorId == actor || EF.Functions.Like(e.ActorName.ToLower(), pattern, "\\"));
#pragma warning restore CA1304, CA1311
        }

        if (query.Resource is { } resource)
        {
            var name = resource.ToString();
            entries = entries.Where(e => e.Resource == name);
        }

        if (query.ResourceId is { } resourceId)
        {
            entries = entries.Where(e => e.ResourceId == resourceId);
        }

        if (query.Action is { } action)
        {
            var name = action.ToString();
            entries = entries.Where(e => e.Action == name);
        }

        if (query.From is { } from)
        {
            entries = entries.Where(e => e.Timestamp >= from);
        }

        if (query.To is { } to)
        {
            entries = entries.Where(e => e.Timestamp <= to);
        }

        if (after is var (at, cursorDatabase, sequence))
        {
            var order = string.CompareOrdinal(database, cursorDatabase);
            entries = order < 0 ? entries.Where(e => e.Timestamp < at)
                : order > 0 ? entries.Where(e => e.Timestamp <= at)
                : entries.Where(e => e.Timestamp < at || (e.Timestamp == at && e.Sequence < sequence));
        }

        return entries;
    }

    private static (DateTimeOffset, string, long) ParseCursor(IReadOnlyList<string> parts) =>
        DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
        && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? (at, parts[1], sequence)
            : throw new Core.Validation.ValidationFailedException("cursor", "The page cursor is not valid. Start again from the first page.");

    private static AuditEntryDto ToDto(string database, AuditEntry entry) => new(
        database,
        entry.Sequence,
        entry.Timestamp,
        entry.ActorId,
        entry.ActorName,
        Enum.Parse<AuditAction>(entry.Action),
        Enum.Parse<Resource>(entry.Resource),
        entry.ResourceId,
        entry.PatientId,
        JsonSerializer.Deserialize(entry.Changes, AuditJson.Default.ListAuditChange) ?? [],
        JsonSerializer.Deserialize(entry.PatientIds, AuditJson.Default.ListGuid) ?? [],
        entry.CorrelationId);

    private sealed record Database(string Name, Func<DbContext> Open);
}
