using MedicalPortal.Data.Providers.Postgres;
using MedicalPortal.Data.Providers.Sqlite;
using MedicalPortal.Data.Providers.SqlServer;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Providers;

/// <summary>
/// Reads every connection string with the configured provider's own parser at start: a keyword it does not know, or a
/// server or database left out, stops the node with one line naming the key (and the shard), before anything connects.
/// Nothing of the connection string's values is repeated, since it may carry a password.
/// </summary>
internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Func<string, string?>? problem = options.Provider switch
        {
            DatabaseProvider.Sqlite => SqliteProviderServices.Problem,
            DatabaseProvider.Postgres => PostgresProviderServices.Problem,
            DatabaseProvider.SqlServer => SqlServerProviderServices.Problem,
            _ => null, // DatabaseOptions names the providers there are.
        };
        if (problem is null)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Catalog) && problem(options.Catalog) is { } catalog)
        {
            failures.Add($"{DatabaseOptions.SectionName}:Catalog {catalog}.");
        }

        foreach (var (shard, index) in options.Shards.Select((s, i) => (s, i)))
        {
            if (!string.IsNullOrWhiteSpace(shard.ConnectionString) && problem(shard.ConnectionString) is { } wrong)
            {
                failures.Add($"{DatabaseOptions.SectionName}:Shards:{index}:ConnectionString (shard '{shard.Name}') {wrong}.");
            }
        }

        if (options.Provider != DatabaseProvider.Sqlite && options.Shards.Count == 0)
        {
            failures.Add($"{DatabaseOptions.SectionName}:Shards must name the shard databases when the provider is {options.Provider} " +
                         "(the built-in default is two SQLite files).");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
