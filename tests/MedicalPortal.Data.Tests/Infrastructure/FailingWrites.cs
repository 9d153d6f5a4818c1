using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MedicalPortal.Data.Tests.Infrastructure;

/// <summary>
/// Fails writes on demand, to prove that a failed save leaves nothing behind. Registered as an
/// <see cref="ISaveChangesInterceptor"/> after <c>AddMedicalPortalData</c>, so it runs after the audit interceptor:
/// by the time it throws, the audit entries have been appended and the chain head moved inside the transaction.
/// Disarmed, it does nothing.
/// </summary>
internal sealed class FailingWrites : DbCommandInterceptor, ISaveChangesInterceptor
{
    /// <summary>Throw from SavingChangesAsync, before any row of the change is sent.</summary>
    public bool FailBeforeSaving { get; set; }

    /// <summary>Throw when a command's text contains this (for example <c>INSERT INTO "Patients"</c>), in the middle of the save.</summary>
    public string? FailOnCommandContaining { get; set; }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        FailBeforeSaving ? throw new InjectedFailureException("SavingChanges") : ValueTask.FromResult(result);

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        FailOn(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        FailOn(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        FailOn(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void FailOn(DbCommand command)
    {
        if (FailOnCommandContaining is { } text && command.CommandText.Contains(text, StringComparison.Ordinal))
        {
            throw new InjectedFailureException(text);
        }
    }
}

internal sealed class InjectedFailureException(string where) : Exception($"Injected failure at {where}.");
