using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MedicalPortal.Data.Providers.Sqlite;

/// <summary>
/// Lets SQLite itself wait for the write lock (<c>PRAGMA busy_timeout</c>, as long as the connection's timeout).
/// Microsoft.Data.Sqlite does not set one: on a busy database it sleeps 150 ms and tries again, so every collision of
/// two writers on a shard cost at least 150 ms (the 150 and 300 ms p99s in docs/PERFORMANCE.md). SQLite's own handler
/// retries within milliseconds of the lock being released.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static SqliteBusyTimeout Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = Pragma(connection);
        command?.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = Pragma(connection);
        if (command is not null)
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static SqliteCommand? Pragma(DbConnection connection)
    {
        if (connection is not SqliteConnection sqlite)
        {
            return null;
        }

        var command = sqlite.CreateCommand();
        command.CommandText = string.Create(
            CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {Math.Max(sqlite.DefaultTimeout, 1) * 1000}");
        return command;
    }
}
