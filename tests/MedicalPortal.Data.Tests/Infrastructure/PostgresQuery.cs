using Npgsql;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>Raw SQL on a PostgreSQL database, for the tests of the PostgreSQL test support.</summary>
internal static class PostgresQuery
{
    /// <summary>The first column of the first row of <paramref name="sql"/>, on a connection of its own.</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return await ScalarAsync<T>(connection, sql);
    }

    /// <summary>The first column of the first row of <paramref name="sql"/>, on an open connection.</summary>
    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? default! : (T)value!;
    }

    /// <summary>Runs <paramref name="sql"/> on an open connection; returns the rows affected.</summary>
    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }
}
