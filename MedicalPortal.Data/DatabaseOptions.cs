using System.ComponentModel.DataAnnotations;
using MedicalPortal.Data.Sharding;

namespace MedicalPortal.Data;

/// <summary>
/// <c>Database</c> configuration: the provider, the catalog and the shards. Without any configuration the portal runs
/// on SQLite files under <c>./data</c>: a catalog and two shards.
/// </summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Connection string of the catalog database.</summary>
    [Required]
    public string Catalog { get; set; } = "Data Source=data/catalog.db";

    /// <summary>The shard databases. Empty means the embedded default of two SQLite shard files.</summary>
    public List<ShardConnection> Shards { get; set; } = [];

    /// <summary>
    /// Server databases: the most connections this node keeps open to each database, unless its connection string
    /// sets a pool size of its own. Nodes times this must stay below the server's connection limit.
    /// </summary>
    [Range(1, 1000)]
    public int MaxPoolSize { get; set; } = 30;

    /// <summary>Server databases: how often a change or a query is tried again after a transient failure.</summary>
    [Range(0, 10)]
    public int MaxRetryCount { get; set; } = 3;

    /// <summary>Server databases: how long one statement may run (or wait for a lock) before it fails.</summary>
    [Range(1, 600)]
    public int CommandTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// After a shard failed to answer (its retries spent), how long this node refuses its requests at once instead of
    /// asking it again; then one request tries it. Without this, every search would wait out the retries of a shard
    /// that is down. 0 asks it every time.
    /// </summary>
    [Range(0, 300)]
    public int ShardCooldownSeconds { get; set; } = 30;

    /// <summary>
    /// How long a change to a patient whose bucket a move has frozen waits for the cut-over before it is refused (503,
    /// nothing written). The freeze lasts one catch-up and one verification of the buckets moving (docs/PERFORMANCE.md).
    /// </summary>
    [Range(1, 300)]
    public int MoveFreezeMaxSeconds { get; set; } = 15;

    public static IReadOnlyList<ShardConnection> EmbeddedShards { get; } =
    [
        new() { Name = "shard-0", ConnectionString = "Data Source=data/shard-0.db" },
        new() { Name = "shard-1", ConnectionString = "Data Source=data/shard-1.db" },
    ];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Provider))
        {
            yield return new ValidationResult(
                $"{SectionName}:Provider must be one of {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.",
                [nameof(Provider)]);
        }

        foreach (var (shard, index) in Shards.Select((s, i) => (s, i)))
        {
            if (string.IsNullOrWhiteSpace(shard.Name) || string.IsNullOrWhiteSpace(shard.ConnectionString))
            {
                yield return new ValidationResult(
                    $"{SectionName}:Shards:{index} needs both a Name and a ConnectionString.", [nameof(Shards)]);
            }
            else if (ShardNames.Problem(shard.Name) is { } problem)
            {
                // The same rule as for a shard that shards add registers.
                yield return new ValidationResult($"{SectionName}:Shards:{index}:Name '{shard.Name}' {problem}.", [nameof(Shards)]);
            }
        }

        var duplicates = Shards.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1);
        foreach (var duplicate in duplicates)
        {
            yield return new ValidationResult(
                $"{SectionName}:Shards names the shard '{duplicate.Key}' more than once.", [nameof(Shards)]);
        }
    }
}

public sealed class ShardConnection
{
    public string Name { get; set; } = "";

    public string ConnectionString { get; set; } = "";
}

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
    Postgres,
}
