namespace MedicalPortal.Core.Permissions;

/// <summary>Who is asking. Every service operation takes one; nothing in Core reads an ambient user.</summary>
public interface ICurrentUser
{
    bool IsAuthenticated { get; }

    /// <summary>The account id, or null when not signed in.</summary>
    string? AccountId { get; }

    /// <summary>The sign-in name shown in audit entries, or null when not signed in.</summary>
    string? UserName { get; }

    IReadOnlyCollection<string> Roles { get; }

    /// <summary>The patient record linked to this account (self-registered patients), if any.</summary>
    Guid? PatientId { get; }
}
