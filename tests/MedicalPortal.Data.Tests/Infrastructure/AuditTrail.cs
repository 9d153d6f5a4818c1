using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using MedicalPortal.Core.Audit;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Catalog;
using Microsoft.EntityFrameworkCore;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>
/// The audit chains of a <see cref="ShardedDatabase"/> as they are stored, read through EF (so values come back as the
/// product wrote them), and raw SQL on the databases for tampering the way someone with database access would.
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

    /// <summary>
    /// Runs <paramref name="sql"/> on <paramref name="database"/> past the portal's code, as someone with database access
    /// would: quote identifiers ("AuditLog") and name parameters @name, which both providers read alike.
    /// </summary>
    public static async Task<int> ExecuteAsync(
        ShardedDatabase db, string database, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var context = Open(db, database);
        await using var command = await CommandAsync(db, context, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row of <paramref name="sql"/> on <paramref name="database"/>.</summary>
    public static async Task<object?> ScalarAsync(
        ShardedDatabase db, string database, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var context = Open(db, database);
        await using var command = await CommandAsync(db, context, sql, parameters);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>The first column of every row of <paramref name="sql"/> on <paramref name="database"/>.</summary>
    public static async Task<List<object?>> ColumnAsync(
        ShardedDatabase db, string database, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var context = Open(db, database);
        await using var command = await CommandAsync(db, context, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<object?>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
        }

        return values;
    }

    /// <summary>
    /// <paramref name="instant"/> as an instant column holds it, to write with raw SQL: fixed-width UTC text on SQLite,
    /// a <c>timestamp with time zone</c> (offset zero) on PostgreSQL.
    /// </summary>
    public static object StoredInstant(ShardedDatabase db, DateTimeOffset instant) => db.Provider switch
    {
        TestProvider.Sqlite => InstantText(instant),
        _ => instant.ToUniversalTime(),
    };

    /// <summary>An instant as the audit writes it into its changes, and as SQLite stores it.</summary>
    public static string InstantText(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The text of an instant column read with raw SQL: SQLite gives its text, Npgsql a UTC DateTime.</summary>
    public static string InstantText(object? stored) => stored switch
    {
        string text => text,
        DateTime utc when utc.Kind == DateTimeKind.Utc => InstantText(new DateTimeOffset(utc)),
        _ => throw new ArgumentException($"Not a stored instant: {stored ?? "null"} ({stored?.GetType().Name}).", nameof(stored)),
    };

    /// <summary>
    /// A command on the context's own connection: the provider's, opened as the portal opens it. DateTimeOffset values
    /// are passed as the column stores them (<see cref="StoredInstant"/>).
    /// </summary>
    private static async Task<DbCommand> CommandAsync(ShardedDatabase db, DbContext context, string sql, (string Name, object? Value)[] parameters)
    {
        await context.Database.OpenConnectionAsync();
        var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value switch
            {
                null => DBNull.Value,
                DateTimeOffset instant => StoredInstant(db, instant),
                _ => value,
            };
            command.Parameters.Add(parameter);
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
