using MedicalPortal.Core.Paging;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Audit;

/// <summary>Filters of the audit screens and <c>GET /api/v1/audit</c>; all optional, combined with AND.</summary>
public sealed record AuditQuery
{
    public Guid? PatientId { get; init; }

    /// <summary>Account id, or the start of the actor's name (case-insensitive).</summary>
    public string? Actor { get; init; }

    public Resource? Resource { get; init; }

    public string? ResourceId { get; init; }

    public AuditAction? Action { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public string? Cursor { get; init; }

    public int Limit { get; init; } = PageLimits.Default;

    public AuditQuery Validated()
    {
        var errors = new ValidationErrors();
        if (From is { } from && To is { } to && to < from)
        {
            errors.Add("to", "The end of the time range is before its start.");
        }

        if (Resource is { } resource && !Enum.IsDefined(resource))
        {
            errors.Add("resource", "Unknown resource.");
        }

        if (Action is { } action && !Enum.IsDefined(action))
        {
            errors.Add("action", "Unknown action.");
        }

        FieldRules.OptionalText(errors, "actor", "Actor", FieldRules.Clean(Actor), FieldRules.NameMaxLength);
        errors.ThrowIfInvalid();
        return this with { Actor = FieldRules.Clean(Actor), Limit = PageLimits.Resolve(Limit) };
    }
}
