using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Data.Identity;

/// <summary>
/// Identity's EF model reads its schema version from <see cref="IdentityOptions"/> in the context's application
/// service provider. Catalog contexts are made by a factory (and at design time by the EF tools), so they are given
/// this small provider that pins version 3 (with passkeys): every path then builds the same model as the migrations.
/// </summary>
internal static class IdentitySchema
{
    private static readonly IServiceProvider Services = new ServiceCollection()
        .Configure<IdentityOptions>(options => options.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();

    public static DbContextOptionsBuilder<TContext> UseIdentitySchema<TContext>(this DbContextOptionsBuilder<TContext> builder)
        where TContext : DbContext =>
        builder.UseApplicationServiceProvider(Services);
}
