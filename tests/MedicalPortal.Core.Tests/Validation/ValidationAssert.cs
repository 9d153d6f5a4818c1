using MedicalPortal.Core.Validation;

namespace MedicalPortal.Core.Tests.Validation;

/// <summary>Assertions on rule results that show every field in error when they fail.</summary>
internal static class ValidationAssert
{
    public static void Valid(ValidationErrors errors) => Assert.Empty(errors.ToDictionary());

    /// <summary>Asserts that <paramref name="field"/>, and no other field, is in error; returns its messages.</summary>
    public static string[] OnlyError(ValidationErrors errors, string field)
    {
        var all = errors.ToDictionary();
        Assert.Equal([field], all.Keys.Order(StringComparer.Ordinal));
        return all[field];
    }

    /// <summary>Asserts that the call throws a <see cref="ValidationFailedException"/> naming exactly <paramref name="field"/>.</summary>
    public static ValidationFailedException Throws(string field, Action act)
    {
        var exception = Assert.Throws<ValidationFailedException>(act);
        Assert.Equal([field], exception.Errors.Keys.Order(StringComparer.Ordinal));
        return exception;
    }

    public static async Task<ValidationFailedException> ThrowsAsync(string field, Func<Task> act)
    {
        var exception = await Assert.ThrowsAsync<ValidationFailedException>(act);
        Assert.Equal([field], exception.Errors.Keys.Order(StringComparer.Ordinal));
        return exception;
    }
}
