using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Administration;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Keys;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Accounts;
using MedicalPortal.Data.Audit;
using MedicalPortal.Data.Caching;
using MedicalPortal.Data.Catalog;
using MedicalPortal.Data.Export;
using MedicalPortal.Data.Health;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.KeyRing;
using MedicalPortal.Data.Patients;
using MedicalPortal.Data.Permissions;
using MedicalPortal.Data.Providers;
using MedicalPortal.Data.Providers.Postgres;
using MedicalPortal.Data.Providers.Sqlite;
using MedicalPortal.Data.Providers.SqlServer;
using MedicalPortal.Data.Roles;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Data.Sharding;
using MedicalPortal.Data.Studies;
using MedicalPortal.Data.Visits;
using MedicalPortal.Data.Writing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>Registers the catalog, the shards, the stores behind Core's interfaces, and seeding.</summary>
    public static IHostApplicationBuilder AddMedicalPortalData(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMedicalPortalData();
        return builder;
    }

    /// <summary>
    /// The same registrations on a bare service collection (component tests). It needs <c>IConfiguration</c> and
    /// <c>IHostEnvironment</c> registered, as every host registers them.
    /// </summary>
    public static IServiceCollection AddMedicalPortalData(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AuditOptions>()
            .BindConfiguration(AuditOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateSecretKey(AuditOptions.HmacKeySetting, o => o.HmacKey)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        services.AddHostedService<ReadAuditWarning>();
        services.AddSingleton<DataDirectory>();
        services.AddSingleton<DevelopmentKeyStore>();
        services.AddSingleton<IDevelopmentKeyStore>(sp => sp.GetRequiredService<DevelopmentKeyStore>());
        services.AddSingleton<AuditKeyRing>();

        // The chain seals each head with its database's name, which it learns from the shards' factory; that factory
        // is built from options carrying the audit interceptor, hence looked up only once the chain first needs it.
        services.AddSingleton(sp => new AuditDatabaseNames(
            sp.GetRequiredService<ShardContextFactory>, sp.GetRequiredService<DatabaseProviderServices>));
        services.AddSingleton<AuditChain>();
        services.AddSingleton<ISaveChangesInterceptor, AuditSaveChangesInterceptor>();
        services.AddSingleton<AccessLog>();
        services.AddSingleton<IAccessLog>(sp => sp.GetRequiredService<AccessLog>());
        services.AddSingleton<ISignInLog>(sp => sp.GetRequiredService<AccessLog>());
        services.AddSingleton<AuditAnchorFiles>();
        services.AddSingleton<IAuditAnchors, AuditAnchors>();
        services.AddSingleton<IAuditStore, AuditStore>();
        services.AddSingleton<IAuditVerificationLog, AuditVerificationLog>();
        services.AddSingleton<DatabaseProviderServices>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            IReadOnlyList<IInterceptor> interceptors = [.. sp.GetServices<ISaveChangesInterceptor>()];
            var logging = sp.GetRequiredService<ILoggerFactory>();
            return options.Provider switch
            {
                DatabaseProvider.Postgres => new PostgresProviderServices(options, interceptors, logging),
                DatabaseProvider.SqlServer => new SqlServerProviderServices(options, interceptors, logging),
                _ => new SqliteProviderServices(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, interceptors, logging),
            };
        });
        services.AddSingleton<IDbContextFactory<CatalogDbContext>>(sp => new CatalogContextFactory(
            sp.GetRequiredService<DatabaseProviderServices>(),
            sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Catalog));

        // Identity's stores take a scoped context, which names the scope's IdentityActor when it saves; everything else
        // asks the factory for one per operation and names its actor itself.
        services.AddScoped<IdentityActor>();
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<CatalogDbContext>>().CreateDbContext()
            .ActingFor(sp.GetRequiredService<IdentityActor>()));

        // Every node reads what any node protected (cookies, bearer tokens, registered shards' connection strings):
        // one key ring, in the catalog, encrypted there to a certificate the catalog never holds (decision 0030).
        services.AddDataProtection()
            .SetApplicationName("MedicalPortal")
            .PersistKeysToDbContext<CatalogDbContext>()
            .ProtectKeysWithConfiguredCertificates();

        services.AddSingleton(sp => new ShardAvailability(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var shards = options.Shards.Count > 0 ? options.Shards : DatabaseOptions.EmbeddedShards;
            return new ShardContextFactory(sp.GetRequiredService<DatabaseProviderServices>(), shards, sp.GetRequiredService<ShardAvailability>());
        });
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ShardRegistry>(
            sp, sp.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        services.AddSingleton<IShardRegistry>(sp => sp.GetRequiredService<ShardRegistry>());
        services.AddSingleton<ShardMap>();
        services.AddHostedService<WaitingShardsService>();
        services.AddSingleton<IShardMap>(sp => sp.GetRequiredService<ShardMap>());
        services.AddSingleton<ShardRouting>();
        services.AddHostedService<ShardMapPoller>();
        services.AddSingleton<BucketMover>();
        services.AddSingleton<IBucketMoves>(sp => sp.GetRequiredService<BucketMover>());

        services.AddMedicalPortalCache();
        services.AddSingleton<WritePath>();

        services.AddSingleton<MrnRegistry>();
        services.AddSingleton<IPatientStore, PatientStore>();
        services.AddSingleton<IVisitStore, VisitStore>();
        services.AddSingleton<PermissionStore>();
        services.AddSingleton<IPermissionStore>(sp => sp.GetRequiredService<PermissionStore>());

        services.AddSingleton<IStudyStore, StudyStore>();
        services.AddSingleton<IEnrollmentStore, EnrollmentStore>();
        services.AddSingleton<IRoleDirectory, RoleDirectory>();
        services.AddSingleton(sp => new AccountStatusStore(
            sp.GetRequiredService<IDbContextFactory<CatalogDbContext>>(), sp.GetRequiredService<RecordCache>()));
        services.AddSingleton(sp => new ApiSessionStore(
            sp.GetRequiredService<IDbContextFactory<CatalogDbContext>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<RecordCache>()));
        services.AddSingleton<IAccountDirectory, AccountDirectory>();

        services.AddSingleton<IExportSource, ExportSource>();
        services.AddSingleton<IExtractionStore, ExtractionStore>();
        services.AddSingleton(sp => new ExportDirectory(
            sp.GetRequiredService<IOptions<ExportOptions>>(), sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<DataDirectory>()));
        services.AddSingleton<IExtractionFileStore, ExtractionFileStore>();

        services.AddSingleton<ISystemStatusSource, SystemStatusSource>();
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<IDatabaseInitializer, DatabaseInitializer>();
        services.AddSingleton<PatientSeeder>();
        services.AddScoped<IDataSeeder, DataSeeder>();
        return services;
    }

    /// <summary>
    /// The cache: this node's memory, and Redis shared by every node when <c>Cache:Redis</c> is set (ARCHITECTURE.md section 7).
    /// </summary>
    private static IServiceCollection AddMedicalPortalCache(this IServiceCollection services)
    {
        services.AddOptions<CacheOptions>()
            .BindConfiguration(CacheOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddMetrics();
        services.AddSingleton<CacheMetrics>();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CacheOptions>>().Value;
            return new LocalCacheLayer(options.LocalEntries, TimeSpan.FromMinutes(options.TimeToLiveMinutes));
        });
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RedisCacheLayer>(sp, sp.GetRequiredService<IOptions<CacheOptions>>().Value));
        services.AddSingleton(sp => new RecordCache(
            sp.GetRequiredService<LocalCacheLayer>(),
            string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<CacheOptions>>().Value.Redis)
                ? null
                : sp.GetRequiredService<RedisCacheLayer>(),
            sp.GetRequiredService<CacheMetrics>(),
            sp.GetRequiredService<IOptions<CacheOptions>>(),
            sp.GetRequiredService<ILogger<RecordCache>>()));
        return services;
    }

    /// <summary>Identity's accounts and roles live in the catalog; signed-in principals carry the portal's claims.</summary>
    public static IdentityBuilder AddPortalIdentityStores(this IdentityBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CatalogDbContext>()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>();
    }
}
