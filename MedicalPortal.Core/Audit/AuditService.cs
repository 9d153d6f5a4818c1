using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Permissions;

namespace MedicalPortal.Core.Audit;

/// <summary>Reading the audit trail and checking its integrity: AuditLog Retrieve, and nothing else, ever.</summary>
public sealed class AuditService(IAuditStore audit, AccessControl access)
{
    public async Task<Page<AuditEntryDto>> QueryAsync(ICurrentUser user, AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await access.DemandAsync(user, Resource.AuditLog, Operations.Retrieve, cancellationToken);
        return await audit.QueryAsync(query.Validated(), cancellationToken);
    }

    public async Task<IReadOnlyList<ChainVerification>> VerifyAsync(ICurrentUser user, CancellationToken cancellationToken)
    {
        await access.DemandAsync(user, Resource.AuditLog, Operations.Retrieve, cancellationToken);
        return await audit.VerifyAsync(cancellationToken);
    }
}
