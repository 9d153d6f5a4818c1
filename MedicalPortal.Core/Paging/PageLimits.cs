using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Paging;

public static class PageLimits
{
    public const int Default = 50;
    public const int Max = 200;

    /// <summary>Null means the default; anything outside 1..200 is a validation error, not silently clamped.</summary>
    public static int Resolve(int? limit)
    {
        if (limit is null)
        {
            return Default;
        }

        return limit is < 1 or > Max
            ? throw new ValidationFailedException("limit", $"Page size must be between 1 and {Max}.")
            : limit.Value;
    }
}
