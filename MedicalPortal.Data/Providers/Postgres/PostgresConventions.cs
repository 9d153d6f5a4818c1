using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MedicalPortal.Data.Providers.Postgres;

internal static class PostgresConventions
{
    /// <summary>
    /// Instants are <c>timestamp with time zone</c>, which holds a UTC instant (to the microsecond) and no offset;
    /// Npgsql refuses to write a DateTimeOffset with a non-zero offset rather than guess. Every instant is written as
    /// UTC, the same instant the caller meant, and reads back with offset zero, as on the other providers.
    /// </summary>
    public static void Apply(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcInstantConverter>();

    private sealed class UtcInstantConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        value => value.ToUniversalTime(),
        value => value);
}
