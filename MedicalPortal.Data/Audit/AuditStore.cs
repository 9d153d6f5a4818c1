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
/// <see cref="AuditVerifier"/>, each against the checkpoints of its head (<see cref="AuditAnchorFiles"/>). Databases are
/// named "catalog" and by shard name.
/// </summary>
internal sealed class AuditStore(
    IDbContextFactory<CatalogDbContext> catalog,
    ShardContextFactory shards,
    IShardMap map,
    AuditKeyRing keys,
    AuditAnchorFiles anchors) : IAuditStore
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
            .Concat(query.PatientId is { } patient ? await ArchivedAsync(patient, query, after, cancellationToken) : [])
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
        // The checkpoints first, the heads after: a checkpoint is taken of a committed head, and heads only move on, so
        // every checkpoint read here names a sequence the head read next has reached (unless the chain was rolled back).
        var checkpoints = await anchors.ReadAsync(cancellationToken);
        var results = new List<ChainVerification>();
        var databases = AllDatabases().ToList();
        foreach (var database in databases)
        {
            await using var context = database.Open();
            var own = checkpoints.Of(database.Name);
            var verified = await new AuditVerifier(keys.Key).VerifyAsync(context, database.Name, own, cancellationToken);
            results.Add(verified with { NewestAnchor = own.MaxBy(c => c.WrittenAt)?.ToAnchor() });
        }

        foreach (var database in databases.Skip(1))
        {
            if (await VerifyArchiveAsync(database, databases, cancellationToken) is { } archive)
            {
                results.Add(archive);
            }
        }

        if (checkpoints.Problem is { } bad)
        {
            results.Add(new ChainVerification(AuditAnchorFiles.ReportName, checkpoints.Files, bad));
        }

        return results;
    }

    /// <summary>
    /// A shard's archive of entries that other chains sealed (a bucket move brought them): each entry's seal must still
    /// match its content, and where its chain still holds it, be that chain's entry. Null for an empty archive.
    /// </summary>
    public async Task<IReadOnlyList<OpenedRecord>> RecentlyOpenedByAsync(
        string actorId, Resource resource, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        var kind = resource.ToString();
        var read = nameof(AuditAction.Read);

        // A record's reads are in its own shard's chain. The actor's index gives their entries; a record opened again
        // and again takes several of them, so each shard gives a few times the limit before they are made distinct.
        var perShard = await Task.WhenAll(shards.Known.Select(async shard =>
        {
            try
            {
                await using var context = shards.Create(shard);
                return await context.Set<AuditEntry>().AsNoTracking()
                    .Where(e => e.ActorId == actorId && e.Action == read && e.Resource == kind && e.ResourceId != null)
                    .OrderByDescending(e => e.Sequence)
                    .Take(limit * 8)
                    .Select(e => new OpenedRecord(e.ResourceId!, e.Timestamp))
                    .ToListAsync(cancellationToken);
            }
            catch (ShardUnavailableException)
            {
                return [];
            }
        }));
        return perShard.SelectMany(opened => opened)
            .OrderByDescending(opened => opened.OpenedAt)
            .DistinctBy(opened => opened.ResourceId)
            .Take(limit)
            .ToList();
    }

    private async Task<ChainVerification?> VerifyArchiveAsync(Database shard, IReadOnlyList<Database> databases, CancellationToken cancellationToken)
    {
        const int BatchSize = 2000;
        var name = $"{shard.Name} archive";
        await using var context = (ShardDbContext)shard.Open();
        var count = 0L;
        (string Database, long Sequence) after = ("", 0);
#pragma warning disable CA1309 // In EF queries string.Compare becomes a SQL comparison.
        while (true)
        {
            var (afterDatabase, afterSequence) = after;
            var batch = await context.ArchivedAuditEntries.AsNoTracking()
                .Where(e => string.Compare(e.Database, afterDatabase) > 0 || (e.Database == afterDatabase && e.Sequence > afterSequence))
                .OrderBy(e => e.Database).ThenBy(e => e.Sequence).Take(BatchSize).ToListAsync(cancellationToken);
#pragma warning restore CA1309
            if (batch.Count == 0)
            {
                return count == 0 ? null : new ChainVerification(name, count, null);
            }

            foreach (var group in batch.GroupBy(e => e.Database))
            {
                var sequences = group.Select(e => e.Sequence).ToList();
                var sealedBy = databases.FirstOrDefault(d => string.Equals(d.Name, group.Key, StringComparison.OrdinalIgnoreCase));
                Dictionary<long, byte[]> inChain = [];
                if (sealedBy is not null)
                {
                    await using var chain = sealedBy.Open();
                    inChain = await chain.Set<AuditEntry>().AsNoTracking().Where(e => sequences.Contains(e.Sequence))
                        .ToDictionaryAsync(e => e.Sequence, e => e.Hash, cancellationToken);
                }

                foreach (var archived in group)
                {
                    var entry = archived.ToEntry();
                    if (!AuditSeal.Compute(keys.Key, entry).AsSpan().SequenceEqual(entry.Hash))
                    {
                        return new ChainVerification(name, count, new ChainProblem(entry.Sequence, ChainProblemKind.Changed,
                            $"The archived entry {entry.Sequence} of {archived.Database} was changed after it was archived (its content no longer matches its seal)."));
                    }

                    if (inChain.TryGetValue(entry.Sequence, out var hash) && !hash.AsSpan().SequenceEqual(entry.Hash))
                    {
                        return new ChainVerification(name, count, new ChainProblem(entry.Sequence, ChainProblemKind.Inserted,
                            $"The archived entry {entry.Sequence} of {archived.Database} is not the entry that chain holds at that place."));
                    }

                    count++;
                }
            }

            after = (batch[^1].Database, batch[^1].Sequence);
        }
    }

    /// <summary>
    /// The patient's entries sealed by other databases' chains, archived on the patient's shard when the patient's
    /// bucket moved there (docs/decisions/0022): one patient's history, filtered here as the query filters the chains.
    /// </summary>
    private async Task<IEnumerable<(string Database, AuditEntry Entry)>> ArchivedAsync(
        Guid patientId, AuditQuery query, (DateTimeOffset At, string Database, long Sequence)? after, CancellationToken cancellationToken)
    {
        var text = patientId.ToString("D");
        await using var context = shards.Create(map.ShardForPatient(patientId));
        var archived = await context.ArchivedAuditEntries.AsNoTracking()
            .Where(e => e.PatientId == patientId || e.PatientIds.Contains(text))
            .ToListAsync(cancellationToken);
        return archived
            .Select(e => (e.Database, Entry: e.ToEntry()))
            .Where(x => Matches(x.Entry, x.Database, query, after))
            .ToList();
    }

    /// <summary>What <see cref="Filter"/> asks of the chains, asked of one entry in memory.</summary>
    private static bool Matches(AuditEntry entry, string database, AuditQuery query, (DateTimeOffset At, string Database, long Sequence)? after)
    {
        var actorMatches = query.Actor is not { } actor
            || entry.ActorId == actor
            || entry.ActorName.StartsWith(actor, StringComparison.OrdinalIgnoreCase);
        var afterCursor = after is not var (at, cursorDatabase, sequence)
            || entry.Timestamp < at
            || (entry.Timestamp == at && (string.CompareOrdinal(database, cursorDatabase) is var order
                && (order > 0 || (order == 0 && entry.Sequence < sequence))));
        return actorMatches
            && afterCursor
            && (query.Resource is not { } resource || entry.Resource == resource.ToString())
            && (query.ResourceId is not { } resourceId || entry.ResourceId == resourceId)
            && (query.Action is not { } action || entry.Action == action.ToString())
            && (query.From is not { } from || entry.Timestamp >= from)
            && (query.To is not { } to || entry.Timestamp <= to);
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
