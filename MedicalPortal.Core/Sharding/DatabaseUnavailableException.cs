namespace MedicalPortal.Core.Sharding;

/// <summary>
/// A database the portal needs cannot be reached: the catalog or one shard. The message names the database and the
/// setting that points at it, never the connection string (it may carry a password).
/// </summary>
public sealed class DatabaseUnavailableException : Exception
{
    public DatabaseUnavailableException()
        : this("database", "")
    {
    }

    public DatabaseUnavailableException(string message)
        : base(message)
    {
        Database = "";
    }

    public DatabaseUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Database = "";
    }

    /// <param name="database">"catalog", or the shard's name.</param>
    /// <param name="setting">The configuration key of its connection string.</param>
    /// <param name="reason">What the driver said, in one line.</param>
    /// <param name="innerException">The driver's exception, for the log.</param>
    public DatabaseUnavailableException(string database, string setting, string? reason = null, Exception? innerException = null)
        : base($"The {(database == "catalog" ? "catalog" : $"shard '{database}'")} database ({setting}) cannot be reached" +
               (string.IsNullOrWhiteSpace(reason) ? "." : $": {reason.TrimEnd('.')}."), innerException)
    {
        Database = database;
    }

    /// <summary>"catalog", or the name of the shard.</summary>
    public string Database { get; }
}
