using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// A database chain's statements, prepared on a context's open connection when first used: lock and read the head (with
/// the fences of bucket moves), insert entries and move the head. For the access log's writer, which appends many small
/// batches and gains nothing from change tracking or from building its SQL again for each one (docs/PERFORMANCE.md,
/// finding 1), and for every audited save's head. Tables, columns and parameter conversions all come from the context's
/// model and its provider's type mappings, so an entry is stored exactly as SaveChanges would store it and reads back
/// (and verifies) the same.
/// </summary>
internal sealed class AuditChainStatements : IAsyncDisposable
{
    /// <summary>The most entries one INSERT carries (14 parameters each: within every provider's limit).</summary>
    internal const int RowsPerInsert = 64;

    /// <summary>
    /// Each model's statements, made once: every audited save opens statements of its own, and working out their SQL
    /// from the model again was a twentieth of a recorded visit's CPU (docs/PERFORMANCE.md, "Issue 17, second session").
    /// </summary>
    private static readonly ConditionalWeakTable<IModel, Shape> _shapes = [];

    private readonly DbContext _context;
    private readonly Shape _shape;
    private readonly List<DbCommand> _commands = [];
    private readonly Dictionary<(int Rows, bool MovesHead), DbCommand> _inserts = [];
    private DbCommand? _openHead;
    private DbCommand? _lockHead;
    private DbCommand? _readHead;
    private DbCommand? _moveHead;

    public AuditChainStatements(DbContext context)
    {
        _context = context;
        _shape = _shapes.GetValue(context.Model, _ => Shape.Of(context));
    }

    /// <summary>The context whose connection and transaction the statements use.</summary>
    public DbContext Context => _context;

    /// <summary>
    /// Locks the head row and reads it and, on a shard, the fences of bucket moves (read under that lock,
    /// docs/decisions/0022), in the context's current transaction: one command, so one round trip to a server.
    /// </summary>
    public async Task<(long Sequence, byte[] Hash, IReadOnlyList<Sharding.BucketFence> Fences)> OpenHeadAsync(CancellationToken cancellationToken)
    {
        _openHead ??= Command(_shape.OpenHead);
        await using var reader = await Enlist(_openHead).ExecuteReaderAsync(cancellationToken);
        var (sequence, hash) = await ReadHeadAsync(reader, cancellationToken);
        var fences = new List<Sharding.BucketFence>();
        if (_shape.ReadsFences)
        {
            if (!await reader.NextResultAsync(cancellationToken))
            {
                throw new InvalidOperationException("The fences of bucket moves were not read with the audit chain's head.");
            }

            while (await reader.ReadAsync(cancellationToken))
            {
                fences.Add(new Sharding.BucketFence
                {
                    FirstBucket = reader.GetInt32(0),
                    LastBucket = reader.GetInt32(1),
                    State = Enum.Parse<Sharding.FenceState>(reader.GetString(2)),
                });
            }
        }

        return (sequence, hash, fences);
    }

    /// <summary>Locks the head row and reads it, in the context's current transaction (a bucket move setting its fences).</summary>
    public async Task<(long Sequence, byte[] Hash)> LockHeadAsync(CancellationToken cancellationToken)
    {
        if (_shape.LockHead is { } lockHead)
        {
            _lockHead ??= Command(lockHead);
            await Enlist(_lockHead).ExecuteNonQueryAsync(cancellationToken);
        }

        _readHead ??= Command(_shape.ReadHead);
        await using var reader = await Enlist(_readHead).ExecuteReaderAsync(cancellationToken);
        return await ReadHeadAsync(reader, cancellationToken);
    }

    /// <summary>
    /// Inserts <paramref name="entries"/>, already sealed, and moves the head to <paramref name="head"/>: up to
    /// <see cref="RowsPerInsert"/> entries a statement, the last statement and the head's in one command, so that a
    /// group of reads costs a server one round trip instead of one per entry and another for the head.
    /// </summary>
    public async Task InsertAndMoveHeadAsync(IReadOnlyList<AuditEntry> entries, AuditChainHead head, CancellationToken cancellationToken)
    {
        var columns = _shape.Entries.Columns;
        for (var first = 0; first < entries.Count; first += RowsPerInsert)
        {
            var rows = Math.Min(RowsPerInsert, entries.Count - first);
            var movesHead = first + rows == entries.Count;
            var insert = _shape.InsertOf(rows);
            if (!_inserts.TryGetValue((rows, movesHead), out var command))
            {
                command = _inserts[(rows, movesHead)] = Command(movesHead ? $"{insert.Text};\n{_shape.MoveHead}" : insert.Text);
            }

            Enlist(command);
            command.Parameters.Clear();
            for (var row = 0; row < rows; row++)
            {
                var entry = entries[first + row];
                for (var i = 0; i < columns.Count; i++)
                {
                    var column = columns[i];
                    command.Parameters.Add(column.Mapping.CreateParameter(
                        command, insert.Parameters[(row * columns.Count) + i], column.Getter.GetClrValueUsingContainingEntity(entry), column.Nullable));
                }
            }

            if (movesHead)
            {
                AddHeadParameters(command, head);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Moves the head to <paramref name="head"/> (the row this transaction locked).</summary>
    public async Task MoveHeadAsync(AuditChainHead head, CancellationToken cancellationToken)
    {
        _moveHead ??= Command(_shape.MoveHead);
        var command = Enlist(_moveHead);
        command.Parameters.Clear();
        AddHeadParameters(command, head);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands)
        {
            await command.DisposeAsync();
        }
    }

    private void AddHeadParameters(DbCommand command, AuditChainHead head)
    {
        foreach (var column in _shape.MovedColumns)
        {
            command.Parameters.Add(column.Mapping.CreateParameter(
                command, column.Parameter, column.Getter.GetClrValueUsingContainingEntity(head), column.Nullable));
        }
    }

    private static async Task<(long Sequence, byte[] Hash)> ReadHeadAsync(DbDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken)
            ? (reader.GetFieldValue<long>(0), reader.GetFieldValue<byte[]>(1))
            : throw new InvalidOperationException("The audit chain has no head row.");

    private DbCommand Command(string text)
    {
        var command = _context.Database.GetDbConnection().CreateCommand();
        command.CommandText = text;
        _commands.Add(command);
        return command;
    }

    private DbCommand Enlist(DbCommand command)
    {
        command.Transaction = _context.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The audit chain is written inside a transaction.");
        return command;
    }

    /// <summary>
    /// The statements of one model: their SQL, and the columns and parameters they bind. Tables, columns and parameter
    /// conversions come from the model and its provider, never from one context.
    /// </summary>
    private sealed class Shape
    {
        private readonly ConcurrentDictionary<int, Insert> _inserts = new();
        private readonly ISqlGenerationHelper _sql;

        private Shape(ISqlGenerationHelper sql, Table entries)
        {
            _sql = sql;
            Entries = entries;
        }

        public Table Entries { get; }

        /// <summary>On SQLite, the statement that takes the database's write lock before the head is read.</summary>
        public string? LockHead { get; private init; }

        public required string ReadHead { get; init; }

        /// <summary>
        /// The lock (on SQLite), the head's read and, on a shard, the fences' read, as one command: the statements run in
        /// order, so the fences are read under the lock.
        /// </summary>
        public required string OpenHead { get; init; }

        /// <summary>Whether <see cref="OpenHead"/> reads the fences of bucket moves too (on a shard).</summary>
        public bool ReadsFences { get; private init; }

        public required string MoveHead { get; init; }

        public required IReadOnlyList<Column> MovedColumns { get; init; }

        public static Shape Of(DbContext context)
        {
            var sql = context.GetService<ISqlGenerationHelper>();
            var head = Table.Of<AuditChainHead>(context, sql);
            string Quoted(Table table, string property) => sql.DelimitIdentifier(table.ColumnOf(property).Name);
            var isHead = $"{Quoted(head, nameof(AuditChainHead.Id))} = {AuditChainHead.SingletonId}";
            var sequence = Quoted(head, nameof(AuditChainHead.Sequence));

            // The head is read under a lock held to the commit, so concurrent writers queue there: the row's update lock
            // on a server; on SQLite a first statement that writes the row, which takes the database's write lock.
            var readHead = $"SELECT {sequence}, {Quoted(head, nameof(AuditChainHead.Hash))} FROM {head.Name}";
            var (lockHead, readHeadLocked) = context.Database.IsNpgsql()
                ? (null, $"{readHead} WHERE {isHead} FOR UPDATE")
                : context.Database.IsSqlServer()
                    ? (null, $"{readHead} WITH (UPDLOCK, HOLDLOCK) WHERE {isHead}")
                    : ($"UPDATE {head.Name} SET {sequence} = {sequence} WHERE {isHead}", $"{readHead} WHERE {isHead}");

            // On a shard, the fences of bucket moves, read after the head lock (docs/decisions/0022).
            string? readFences = null;
            if (context is Sharding.ShardDbContext)
            {
                var fences = Table.Of<Sharding.BucketFence>(context, sql);
                readFences =
                    $"SELECT {Quoted(fences, nameof(Sharding.BucketFence.FirstBucket))}, {Quoted(fences, nameof(Sharding.BucketFence.LastBucket))}, " +
                    $"{Quoted(fences, nameof(Sharding.BucketFence.State))} FROM {fences.Name}";
            }

            var moved = new[] { nameof(AuditChainHead.Sequence), nameof(AuditChainHead.Hash), nameof(AuditChainHead.Seal) }
                .Select(head.ColumnOf).ToArray();
            return new Shape(sql, Table.Of<AuditEntry>(context, sql))
            {
                LockHead = lockHead,
                ReadHead = readHeadLocked,
                OpenHead = string.Join(";\n", new[] { lockHead, readHeadLocked, readFences }.OfType<string>()),
                ReadsFences = readFences is not null,
                MoveHead = $"UPDATE {head.Name} SET {string.Join(", ", moved.Select(c => $"{sql.DelimitIdentifier(c.Name)} = {c.Placeholder}"))} WHERE {isHead}",
                MovedColumns = moved,
            };
        }

        /// <summary>An INSERT of <paramref name="rows"/> entries, each row's parameters named apart; made once per size.</summary>
        public Insert InsertOf(int rows) => _inserts.GetOrAdd(rows, static (rows, shape) =>
        {
            var columns = shape.Entries.Columns;
            var names = Enumerable.Range(0, rows).SelectMany(row => columns.Select(c => $"{c.Property}{row}")).ToArray();
            var values = names.Chunk(columns.Count)
                .Select(row => $"({string.Join(", ", row.Select(shape._sql.GenerateParameterNamePlaceholder))})");
            return new Insert(
                $"INSERT INTO {shape.Entries.Name} ({string.Join(", ", columns.Select(c => shape._sql.DelimitIdentifier(c.Name)))}) " +
                $"VALUES {string.Join(", ", values)}",
                [.. names.Select(shape._sql.GenerateParameterName)]);
        }, this);
    }

    /// <summary>An INSERT of a number of entries, and its parameters' names, row by row.</summary>
    private sealed record Insert(string Text, string[] Parameters);

    private sealed record Column(
        string Property, string Name, string Parameter, string Placeholder, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable);

    private sealed record Table(string Name, IReadOnlyList<Column> Columns)
    {
        public Column ColumnOf(string property) => Columns.Single(c => c.Property == property);

        public static Table Of<T>(DbContext context, ISqlGenerationHelper sql)
        {
            var entityType = context.Model.FindEntityType(typeof(T))
                ?? throw new InvalidOperationException($"The context does not map {typeof(T).Name}.");
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var prefix = typeof(T).Name;
            return new Table(
                sql.DelimitIdentifier(table.Name, table.Schema),
                [.. entityType.GetProperties().Select((property, i) => new Column(
                    property.Name,
                    property.GetColumnName(table) ?? throw new InvalidOperationException($"{property.Name} has no column."),
                    sql.GenerateParameterName($"{prefix}{i}"),
                    sql.GenerateParameterNamePlaceholder($"{prefix}{i}"),
                    property.GetRelationalTypeMapping(),
                    property.GetGetter(),
                    property.IsNullable))]);
        }
    }
}
