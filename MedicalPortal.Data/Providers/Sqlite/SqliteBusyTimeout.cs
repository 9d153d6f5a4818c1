using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace MedicalPortal.Data.Providers.Sqlite;

/// <summary>
/// Lets SQLite itself wait for the write lock (its busy timeout, as long as the connection's timeout).
/// Microsoft.Data.Sqlite does not set one: on a busy database it sleeps 150 ms and tries again, so every collision of
/// two writers on a shard cost at least 150 ms (the 150 and 300 ms p99s in docs/PERFORMANCE.md). SQLite's own handler
/// retries within milliseconds of the lock being released. It is set through SQLite's C function rather than a
/// <c>PRAGMA busy_timeout</c> statement: the connection is opened for every query, and parsing and running that statement
/// each time was a visible part of a search's cost in the profile (docs/PERFORMANCE.md).
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public static SqliteBusyTimeout Instance { get; } = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } sqlite)
        {
            SqliteException.ThrowExceptionForRC(raw.sqlite3_busy_timeout(handle, Math.Max(sqlite.DefaultTimeout, 1) * 1000), handle);
        }
    }
}
