using MedicalPortal.Core.Audit;

namespace MedicalPortal.Data.Audit;

/// <summary>
/// Who acts through ASP.NET Core Identity's own managers (UserManager, SignInManager) in one DI scope. The account pages
/// and sign-in write through the scope's catalog context, not through a service that could pass an actor: the web host
/// names the caller of each request here (the signed-in account, or "anonymous"), and the scope's catalog context
/// carries it to the audit interceptor. A scope that names nobody cannot save audited changes through Identity.
/// </summary>
public sealed class IdentityActor
{
    public AuditActor? Actor { get; set; }
}
