using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MedicalPortal.Data.Providers.Sqlite;

internal static class SqliteConventions
{
    /// <summary>
    /// SQLite has no instant type and EF cannot order or compare DateTimeOffset there. Instants are stored as UTC
    /// ISO 8601 text with a fixed width, which sorts chronologically and stays readable in any SQLite browser.
    /// </summary>
    public static void Apply(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcInstantTextConverter>();

    private sealed class UtcInstantTextConverter() : ValueConverter<DateTimeOffset, string>(
        value => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
}
