namespace MedicalPortal.Core.Permissions;

/// <summary>
/// The one way an operation is refused. The API answers 401 when <see cref="IsAuthenticated"/> is false,
/// 403 otherwise; the UI shows <see cref="Exception.Message"/>.
/// </summary>
public sealed class AccessDeniedException : Exception
{
    public AccessDeniedException()
        : this(isAuthenticated: true, Resource.Patient, Operations.Retrieve)
    {
    }

    public AccessDeniedException(string message)
        : base(message)
    {
        IsAuthenticated = true;
    }

    public AccessDeniedException(string message, Exception innerException)
        : base(message, innerException)
    {
        IsAuthenticated = true;
    }

    public AccessDeniedException(bool isAuthenticated, Resource resource, Operations operation)
        : base(isAuthenticated
            ? $"Your role does not allow {Describe(operation)} {resource} records."
            : "Sign in to continue.")
    {
        IsAuthenticated = isAuthenticated;
        Resource = resource;
        Operation = operation;
    }

    public bool IsAuthenticated { get; }

    public Resource Resource { get; }

    public Operations Operation { get; }

    private static string Describe(Operations operation) => operation switch
    {
        Operations.Create => "creating",
        Operations.Retrieve => "viewing",
        Operations.Update => "changing",
        Operations.Delete => "deleting",
        _ => operation.ToString().ToLowerInvariant(),
    };
}
