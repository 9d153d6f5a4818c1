using MedicalPortal.Core.Validation;

namespace MedicalPortal.Web.Api;

internal static class VersionRequired
{
    /// <summary>An update must say which version it was based on; otherwise a concurrent change could be lost.</summary>
    public static int Of(int? version) =>
        version ?? throw new ValidationFailedException(
            "version", "Send the version you read with the record, so a concurrent change is not overwritten.");
}
