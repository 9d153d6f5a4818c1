using MedicalPortal.Core.Accounts;
using MedicalPortal.Core.Administration;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Export;
using MedicalPortal.Core.Keys;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Roles;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers Core's services. Stores come from the data layer (<c>AddMedicalPortalData</c>).</summary>
    public static IHostApplicationBuilder AddMedicalPortalCore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddMedicalPortalCore();
        return builder;
    }

    public static IServiceCollection AddMedicalPortalCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AccessControl>();
        services.AddSingleton<PatientService>();
        services.AddSingleton<RecentPatientsService>();
        services.AddSingleton<VisitService>();
        services.AddSingleton<StudyService>();
        services.AddSingleton<EnrollmentService>();
        services.AddSingleton<RoleService>();
        services.AddSingleton<AccountService>();
        services.AddSingleton<RegistrationService>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<SystemStatusService>();
        services.AddOptions<ExportOptions>()
            .BindConfiguration(ExportOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => ExtractionSchedule.IsValid(o.Schedule),
                $"{ExportOptions.SectionName}:Schedule must be a five-field cron expression (UTC) such as \"0 2 * * *\", or empty for no schedule.")
            .ValidateSecretKey(ExportOptions.PseudonymKeySetting, o => o.PseudonymKey)
            .ValidateOnStart();
        services.AddSingleton<IPseudonymKey, PseudonymKey>();
        services.AddSingleton<IAnonymizer>(sp => new Anonymizer(sp.GetRequiredService<IOptions<ExportOptions>>().Value.DateShift));
        services.AddSingleton<ExportService>();
        services.AddSingleton<StudyOverviewService>();
        services.AddSingleton<IExtractionRunner, ExtractionRunner>();
        return services;
    }
}
