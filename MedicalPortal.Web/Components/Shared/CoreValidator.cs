using System.Reflection;
using MedicalPortal.Core.Validation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace MedicalPortal.Web.Components.Shared;

/// <summary>
/// Puts Core's validation messages into the surrounding <see cref="EditContext"/>, so every form shows exactly the
/// rules the services enforce, inline under each field. Messages appear for fields the user has touched, and for all
/// fields once a submit was attempted. Errors the server returns (such as a taken MRN) are shown the same way.
/// </summary>
public sealed class CoreValidator : ComponentBase, IDisposable
{
    private ValidationMessageStore? _store;
    private EditContext? _subscribed;
    private bool _submitted;

    [CascadingParameter]
    private EditContext? CurrentEditContext { get; set; }

    /// <summary>Runs Core's rules over the form's current values.</summary>
    [Parameter, EditorRequired]
    public Func<ValidationErrors> Validate { get; set; } = default!;

    /// <summary>Maps an error key (a JSON field such as <c>startedAt</c>) to a form property, when the names differ.</summary>
    [Parameter]
    public IReadOnlyDictionary<string, string>? FieldMap { get; set; }

    /// <summary>Shows errors that came back from a service call.</summary>
    public void ShowErrors(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (_store is null || CurrentEditContext is null)
        {
            return;
        }

        _store.Clear();
        foreach (var (key, messages) in errors)
        {
            _store.Add(FieldFor(key), messages);
        }

        CurrentEditContext.NotifyValidationStateChanged();
    }

    protected override void OnParametersSet()
    {
        if (CurrentEditContext is null)
        {
            throw new InvalidOperationException($"{nameof(CoreValidator)} must be placed inside an EditForm.");
        }

        if (!ReferenceEquals(CurrentEditContext, _subscribed))
        {
            Unsubscribe();
            _store = new ValidationMessageStore(CurrentEditContext);
            CurrentEditContext.OnValidationRequested += OnValidationRequested;
            CurrentEditContext.OnFieldChanged += OnFieldChanged;
            _subscribed = CurrentEditContext;
        }
    }

    public void Dispose() => Unsubscribe();

    private void OnValidationRequested(object? sender, ValidationRequestedEventArgs e)
    {
        _submitted = true;
        Run();
    }

    private void OnFieldChanged(object? sender, FieldChangedEventArgs e) => Run();

    private void Run()
    {
        if (_store is null || CurrentEditContext is null)
        {
            return;
        }

        _store.Clear();
        foreach (var (key, messages) in Validate().ToDictionary())
        {
            var field = FieldFor(key);
            if (_submitted || CurrentEditContext.IsModified(field))
            {
                _store.Add(field, messages);
            }
        }

        CurrentEditContext.NotifyValidationStateChanged();
    }

    private FieldIdentifier FieldFor(string key)
    {
        var model = CurrentEditContext!.Model;
        var name = FieldMap is not null && FieldMap.TryGetValue(key, out var mapped) ? mapped : key;
        var property = model.GetType().GetProperty(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.IgnoreCase);
        return new FieldIdentifier(model, property?.Name ?? string.Empty);
    }

    private void Unsubscribe()
    {
        if (_subscribed is not null)
        {
            _subscribed.OnValidationRequested -= OnValidationRequested;
            _subscribed.OnFieldChanged -= OnFieldChanged;
            _subscribed = null;
        }
    }
}
