using System.Text.RegularExpressions;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Components.Pages.Patients;

/// <summary>
/// The patient list is rendered without a circuit around it: its layout is plain HTML, and only the search with its
/// results and the layout's services for them (popovers, dialogs, the idle sign-out) are interactive islands. Every
/// open tab holds a circuit with what it renders interactively, and this is the page tabs stay open on. Other pages run
/// in one circuit, layout and all.
/// </summary>
[Collection(SharedPortals.Default)]
public sealed partial class PatientsPageRenderingTests(PortalFactory portal)
{
    [Fact]
    public async Task PatientList_LayoutOutsideAnyCircuit_TheSearchAndItsServicesAreTheIslands()
    {
        using var doctor = await AccountPages.SignInAsync(portal, DemoUsers.Doctor, DemoAccounts.DefaultPassword);

        var body = Body(await doctor.PageAsync("/patients"));

        var islands = ServerComponents().Matches(body).Select(m => m.Index).ToList();
        Assert.Equal(2, islands.Count);
        Assert.True(body.IndexOf("mud-appbar", StringComparison.Ordinal) < islands[0], "The app bar is rendered inside a circuit.");
        Assert.True(body.IndexOf("Sign out", StringComparison.Ordinal) < islands[0], "The layout is rendered inside a circuit.");
        Assert.Contains("Search patients", body[islands[1]..], StringComparison.Ordinal);
        // The menu's toggle needs a circuit; on this page the menu simply stays open.
        Assert.DoesNotContain("Show or hide the menu", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtherPages_RunInOneCircuitWithTheirLayout()
    {
        using var doctor = await AccountPages.SignInAsync(portal, DemoUsers.Doctor, DemoAccounts.DefaultPassword);

        var body = Body(await doctor.PageAsync("/studies"));

        var circuit = Assert.Single(ServerComponents().Matches(body)).Index;
        Assert.True(body.IndexOf("mud-appbar", StringComparison.Ordinal) > circuit, "The layout is rendered outside the circuit.");
        Assert.Contains("Show or hide the menu", body, StringComparison.Ordinal);
    }

    private static string Body(string html) => html[html.IndexOf("<body", StringComparison.Ordinal)..];

    // The start of a component prerendered for a server circuit (its end marker carries only the prerender id).
    [GeneratedRegex("""<!--Blazor:\{"type":"server",""")]
    private static partial Regex ServerComponents();
}
