using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data;

/// <summary>
/// The folder that holds the portal's local files: the folder of the SQLite catalog on the embedded default, otherwise
/// <c>data</c> under the content root.
/// </summary>
internal sealed class DataDirectory(IOptions<DatabaseOptions> options, IHostEnvironment environment)
{
    public string Path { get; } = Resolve(options.Value, environment.ContentRootPath);

    private static string Resolve(DatabaseOptions options, string contentRoot)
    {
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var dataSource = new SqliteConnectionStringBuilder(options.Catalog).DataSource;
            if (!string.IsNullOrEmpty(dataSource) && dataSource != ":memory:")
            {
                var file = System.IO.Path.IsPathRooted(dataSource) ? dataSource : System.IO.Path.Combine(contentRoot, dataSource);
                return System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file))!;
            }
        }

        return System.IO.Path.Combine(contentRoot, "data");
    }
}
