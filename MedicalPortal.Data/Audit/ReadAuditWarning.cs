using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Says at every start of the portal, as a warning, that read auditing is off when <c>Audit:RecordReads</c> is false:
/// nobody should find out from a missing entry that nobody recorded who viewed a patient's record.
/// </summary>
internal sealed partial class ReadAuditWarning(IOptions<AuditOptions> options, ILogger<ReadAuditWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RecordReads)
        {
            LogReadsNotRecorded(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit:RecordReads is false: who views patient records, visits and searches, and who queries the audit trail, is NOT recorded on this node. Changes, exports and sign-ins still are.")]
    private static partial void LogReadsNotRecorded(ILogger logger);
}
