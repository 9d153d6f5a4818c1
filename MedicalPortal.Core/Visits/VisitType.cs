namespace MedicalPortal.Core.Visits;

/// <summary>The kind of encounter. JSON: checkup, follow-up, emergency, telehealth, procedure.</summary>
public enum VisitType
{
    Checkup,
    FollowUp,
    Emergency,
    Telehealth,
    Procedure,
}
