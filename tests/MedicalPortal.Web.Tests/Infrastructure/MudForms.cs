using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace MedicalPortal.Web.Tests.Infrastructure;

/// <summary>How the form tests find what a user sees in a MudBlazor form: a field by its visible label, its messages, a button.</summary>
internal static class MudForms
{
    /// <summary>The submit button that reads <paramref name="text"/>.</summary>
    public static IElement SubmitButton(IRenderedComponent<IComponent> cut, string text) =>
        cut.FindAll("button[type='submit']").Single(b => b.TextContent.Trim() == text);

    /// <summary>The input (or text area) a visible label names.</summary>
    public static IElement Input(IRenderedComponent<IComponent> cut, string label)
    {
        var id = cut.FindAll("label.mud-input-label").Single(l => l.TextContent.Trim() == label).GetAttribute("for");
        return cut.Find($"input[id='{id}'], textarea[id='{id}']");
    }

    /// <summary>The error messages MudBlazor shows under the field with <paramref name="label"/>.</summary>
    public static List<string> MessagesUnder(IRenderedComponent<IComponent> cut, string label)
    {
        var control = Input(cut, label).Closest(".mud-input-control") ?? throw new InvalidOperationException($"No input control for {label}.");
        return control.QuerySelectorAll(".mud-input-helper-text.mud-input-error").Select(m => m.TextContent.Trim()).ToList();
    }
}
