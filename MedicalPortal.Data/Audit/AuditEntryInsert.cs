using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// One prepared INSERT of an audit entry on a context's open connection, run once per entry: for the access log's
/// writer, which appends many small entries and gains nothing from change tracking (docs/PERFORMANCE.md, finding 3).
/// Table, columns and parameter conversions all come from the context's model and its provider's type mappings, so an
/// entry is stored exactly as SaveChanges would store it and reads back (and verifies) the same.
/// </summary>
internal sealed class AuditEntryInsert : IAsyncDisposable
{
    private readonly DbContext _context;
    private readonly DbCommand _command;
    private readonly Column[] _columns;

    public AuditEntryInsert(DbContext context)
    {
        _context = context;
        var entityType = context.Model.FindEntityType(typeof(AuditEntry))
            ?? throw new InvalidOperationException("The context has no audit log.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var sql = context.GetService<ISqlGenerationHelper>();
        _columns = [.. entityType.GetProperties().Select((property, i) => new Column(
            property.GetColumnName(table) ?? throw new InvalidOperationException($"{property.Name} has no column."),
            sql.GenerateParameterName($"p{i}"),
            sql.GenerateParameterNamePlaceholder($"p{i}"),
            property.GetRelationalTypeMapping(),
            property.GetGetter(),
            property.IsNullable))];

        _command = context.Database.GetDbConnection().CreateCommand();
        _command.CommandText =
            $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} " +
            $"({string.Join(", ", _columns.Select(c => sql.DelimitIdentifier(c.Name)))}) " +
            $"VALUES ({string.Join(", ", _columns.Select(c => c.Placeholder))})";
    }

    /// <summary>Inserts <paramref name="entries"/>, already sealed, in the context's current transaction.</summary>
    public async Task InsertAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        _command.Transaction = _context.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Audit entries are inserted inside the transaction that moves the chain's head.");
        foreach (var entry in entries)
        {
            _command.Parameters.Clear();
            foreach (var column in _columns)
            {
                _command.Parameters.Add(column.Mapping.CreateParameter(
                    _command, column.Parameter, column.Getter.GetClrValueUsingContainingEntity(entry), column.Nullable));
            }

            await _command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _command.DisposeAsync();

    private sealed record Column(
        string Name, string Parameter, string Placeholder, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable);
}
