using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Records;
using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Validation;
using Microsoft.AspNetCore.Components.Forms;

namespace MedicalPortal.Web.Components.Shared;

/// <summary>
/// What every record form does on save: check the rules inline, call the service once, and turn its refusals into
/// something the user can act on (field messages, a conflict notice, or a plain error). The form stays open with what
/// the user entered, so nothing is lost when the save can be tried again.
/// </summary>
public sealed class RecordFormState
{
    /// <summary>Set when the record changed since the form was opened (optimistic concurrency).</summary>
    public string? Conflict { get; private set; }

    /// <summary>Set when the save was refused for another reason (permission, record gone, its shard not answering).</summary>
    public string? Error { get; private set; }

    public bool Saving { get; private set; }

    /// <summary>Runs <paramref name="save"/> if the form is valid; returns its result, or null if nothing was saved.</summary>
    public async Task<T?> SaveAsync<T>(EditContext editContext, CoreValidator validator, Func<Task<T>> save)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(editContext);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(save);

        Error = null;
        if (!editContext.Validate())
        {
            return null;
        }

        Saving = true;
        try
        {
            return await save();
        }
        catch (ValidationFailedException e)
        {
            validator.ShowErrors(e.Errors);
        }
        catch (ConcurrencyConflictException e)
        {
            Conflict = e.Message;
        }
        catch (Exception e) when (e is AccessDeniedException or RecordNotFoundException or ShardUnavailableException)
        {
            Error = e.Message;
        }
        finally
        {
            Saving = false;
        }

        return null;
    }
}
