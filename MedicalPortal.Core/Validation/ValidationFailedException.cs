namespace MedicalPortal.Core.Validation;

/// <summary>
/// Input broke a rule; nothing was stored. <see cref="Errors"/> maps each field (camelCase, as in the JSON contract)
/// to messages a user can act on. Messages never echo the submitted values.
/// </summary>
public sealed class ValidationFailedException : Exception
{
    public ValidationFailedException()
        : this(new Dictionary<string, string[]>())
    {
    }

    public ValidationFailedException(string message)
        : base(message)
    {
        Errors = new Dictionary<string, string[]>();
    }

    public ValidationFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = new Dictionary<string, string[]>();
    }

    public ValidationFailedException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    public ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
        : base(Summarize(errors))
    {
        Errors = errors;
    }

    public IReadOnlyDictionary<string, string[]> Errors { get; }

    private static string Summarize(IReadOnlyDictionary<string, string[]> errors) =>
        errors.Count == 0
            ? "The input is not valid."
            : string.Join(" ", errors.SelectMany(e => e.Value));
}
