using System.Text.Json;
using MedicalPortal.Core.Audit;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Catalog;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>
/// The audit chains of a <see cref="ShardedDatabase"/> as they are stored, read through EF (so values come back as the
/// product wrote them), and raw SQL on the files for tampering the way someone with database access would.
/// </summary>
internal static class AuditTrail
{
    public const string Catalog = AuditStore.CatalogName;

    /// <summary>"catalog" and every shard, in the order <see cref="IAuditStore.VerifyAsync"/> reports them.</summary>
    public static IReadOnlyList<string> Databases(ShardedDatabase db) => [Catalog, .. db.ShardNames];

    public static DbContext Open(ShardedDatabase db, string database) =>
        database == Catalog ? db.Get<IDbContextFactory<CatalogDbContext>>().CreateDbContext() : db.OpenShard(database);

    /// <summary>The entries of <paramref name="database"/> after sequence <paramref name="after"/>, in sequence order.</summary>
    public static async Task<List<AuditEntry>> EntriesAsync(ShardedDatabase db, string database, long after = 0)
    {
        await using var context = Open(db, database);
        return await context.Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Sequence > after).OrderBy(e => e.Sequence).ToListAsync();
    }

    public static async Task<AuditChainHead> HeadAsync(ShardedDatabase db, string database)
    {
        await using var context = Open(db, database);
        return await context.Set<AuditChainHead>().AsNoTracking().SingleAsync();
    }

    /// <summary>Where every chain ends now, to find the entries written after this point.</summary>
    public static async Task<AuditMark> MarkAsync(ShardedDatabase db)
    {
        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var database in Databases(db))
        {
            var entries = await EntriesAsync(db, database);
            heads[database] = entries.Count == 0 ? 0 : entries[^1].Sequence;
        }

        return new AuditMark(db, heads);
    }

    public static IReadOnlyList<AuditChange> Changes(AuditEntry entry) =>
        JsonSerializer.Deserialize(entry.Changes, AuditJson.Default.ListAuditChange)!;

    public static IReadOnlyList<Guid> PatientIds(AuditEntry entry) =>
        JsonSerializer.Deserialize(entry.PatientIds, AuditJson.Default.ListGuid)!;

    /// <summary>The changes of <paramref name="entry"/> ordered by property, for comparing with an expected list.</summary>
    public static IReadOnlyList<AuditChange> SortedChanges(AuditEntry entry) =>
        [.. Changes(entry).OrderBy(c => c.Property, StringComparer.Ordinal)];

    /// <summary>Runs <paramref name="sql"/> on the file of <paramref name="database"/>, outside the portal.</summary>
    public static async Task<int> ExecuteAsync(
        ShardedDatabase db, string database, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenFileAsync(db, database);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row of <paramref name="sql"/> on the file of <paramref name="database"/>.</summary>
    public static async Task<object?> ScalarAsync(
        ShardedDatabase db, string database, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenFileAsync(db, database);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteScalarAsync();
    }

    public static string FileOf(ShardedDatabase db, string database) => Path.Combine(db.Directory, $"{database}.db");

    /// <summary>A connection of its own, unpooled: nothing of it is left behind when the test deletes the folder.</summary>
    private static async Task<SqliteConnection> OpenFileAsync(ShardedDatabase db, string database)
    {
        var connection = new SqliteConnection($"Data Source={FileOf(db, database)};Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}

/// <summary>The end of every chain at one moment (<see cref="AuditTrail.MarkAsync"/>).</summary>
internal sealed class AuditMark(ShardedDatabase db, IReadOnlyDictionary<string, long> heads)
{
    public long this[string database] => heads[database];

    /// <summary>What every database's chain gained since the mark.</summary>
    public async Task<IReadOnlyDictionary<string, List<AuditEntry>>> NewEntriesAsync()
    {
        var written = new Dictionary<string, List<AuditEntry>>(StringComparer.Ordinal);
        foreach (var (database, head) in heads)
        {
            written[database] = await AuditTrail.EntriesAsync(db, database, head);
        }

        return written;
    }

    /// <summary>What <paramref name="database"/> gained since the mark, failing if any other database gained anything.</summary>
    public async Task<List<AuditEntry>> NewEntriesOnlyInAsync(string database)
    {
        var written = await NewEntriesAsync();
        foreach (var (other, entries) in written.Where(w => w.Key != database))
        {
            Assert.True(entries.Count == 0, $"{other} gained {entries.Count} audit entries; only {database} should have.");
        }

        return written[database];
    }
}
