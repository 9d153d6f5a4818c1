using AngleSharp.Dom;
using Bunit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Web.Components.Pages.Patients;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Components.Pages.Patients;

/// <summary>The patient list: a server-paged table over every shard, a debounced search, and role-aware actions.</summary>
public sealed class PatientListTests : ComponentTestContext
{
    private const int PageSize = 25;

    /// <summary>The debounce (350 ms) and a database round trip, with room for a busy machine.</summary>
    private static readonly TimeSpan _patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Render_MorePatientsThanAPage_ShowsTheFirstPageInFamilyNameOrder()
    {
        // Arrange
        var seeded = await SeedThirtyAsync(RoleNames.Doctor);

        // Act
        var cut = Render<PatientList>();

        // Assert
        var expected = seeded.InListOrder().Take(PageSize).Select(Row).ToList();
        cut.WaitForAssertion(() => Assert.Equal(expected, Rows(cut)), _patience);
        Assert.Equal("Page 1", PageNumber(cut));
        Assert.True(PagerButton(cut, "Previous page").HasAttribute("disabled"));
        var first = seeded.InListOrder().First();
        Assert.Equal(
            ["Family name", "Given name", "MRN", "Birth date", "Sex", "Phone"],
            cut.FindAll("thead th").Select(th => th.TextContent.Trim()));
        Assert.Equal(
            [first.FamilyName, first.GivenName, first.Mrn, first.BirthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), PatientSexText(first), first.Phone ?? ""],
            cut.Find("tbody tr.patient-row").QuerySelectorAll("td").Select(td => td.TextContent.Trim()));

        // The family name is a link to the record, so that the keyboard (and a new tab) reaches it.
        Assert.Equal($"patients/{first.Id}", cut.Find("tbody tr.patient-row td a").GetAttribute("href"));
    }

    private static string PatientSexText(PatientDto patient) => patient.Sex switch
    {
        Sex.Female => "Female",
        Sex.Male => "Male",
        Sex.Other => "Other",
        _ => "Unknown",
    };

    [Fact]
    public async Task Search_TypedText_ShowsOnlyMatchingPatientsAfterTheDebounce()
    {
        // Arrange
        var seeded = await SeedThirtyAsync(RoleNames.Doctor);
        var cut = Render<PatientList>();
        cut.WaitForAssertion(() => Assert.Equal(PageSize, Rows(cut).Count), _patience);

        // Act
        cut.Find("input[aria-label='Search patients']").Input("famtestc");

        // Assert
        var expected = seeded.Where(p => p.FamilyName == "Famtestc").InListOrder().Select(Row).ToList();
        Assert.Equal(3, expected.Count);
        cut.WaitForAssertion(() => Assert.Equal(expected, Rows(cut)), _patience);
        Assert.Equal("Page 1", PageNumber(cut));
    }

    [Fact]
    public async Task Search_FieldLosesFocusBeforeTheDebounce_StillSearches()
    {
        // MudBlazor validates a field when it loses focus; a debounce still pending then is cut short and the value set
        // at once, without the debounce's own callback. The search must run all the same.
        var seeded = await SeedThirtyAsync(RoleNames.Doctor);
        var cut = Render<PatientList>();
        cut.WaitForAssertion(() => Assert.Equal(PageSize, Rows(cut).Count), _patience);
        var search = cut.Find("input[aria-label='Search patients']");

        search.Input("famtestc");
        await cut.InvokeAsync(() => cut.Find("input[aria-label='Search patients']").Blur());

        var expected = seeded.Where(p => p.FamilyName == "Famtestc").InListOrder().Select(Row).ToList();
        cut.WaitForAssertion(() => Assert.Equal(expected, Rows(cut)), _patience);
    }

    [Fact]
    public async Task Search_TypedWhileTheFirstPageIsStillLoading_ShowsTheSearchOnceBothFinish()
    {
        // Arrange: the first page is slow to come; the user starts typing before it arrives.
        var seeded = await SeedThirtyAsync(RoleNames.Doctor, GatedPatientStore.Install);
        var cut = Render<PatientList>();
        cut.Find("input[aria-label='Search patients']").Input("famtestc");

        // Act: the first page arrives within the search's debounce, and the list shows it.
        Services.GetRequiredService<GatedPatientStore>().Open();

        // Assert: the search still runs, with the typed text, and its result is what stays on screen.
        var expected = seeded.Where(p => p.FamilyName == "Famtestc").InListOrder().Select(Row).ToList();
        cut.WaitForAssertion(() => Assert.Equal(expected, Rows(cut)), _patience);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(expected, Rows(cut));
        Assert.Equal("famtestc", cut.Find("input[aria-label='Search patients']").GetAttribute("value"));
    }

    [Fact]
    public async Task Search_TextMatchingNobody_ShowsTheNoMatchMessage()
    {
        // Arrange
        await SeedThirtyAsync(RoleNames.Doctor);
        var cut = Render<PatientList>();
        cut.WaitForAssertion(() => Assert.Equal(PageSize, Rows(cut).Count), _patience);

        // Act
        cut.Find("input[aria-label='Search patients']").Input("nobodyhasthisname");

        // Assert
        cut.WaitForAssertion(() => Assert.Contains("No patient matches this search.", cut.Markup, StringComparison.Ordinal), _patience);
        Assert.Empty(Rows(cut));
    }

    [Fact]
    public async Task Search_InvalidText_ShowsTheRuleThatWasBroken()
    {
        // Arrange
        await SeedThirtyAsync(RoleNames.Doctor);
        var cut = Render<PatientList>();
        cut.WaitForAssertion(() => Assert.Equal(PageSize, Rows(cut).Count), _patience);

        // Act: two MRN-like terms in one search.
        cut.Find("input[aria-label='Search patients']").Input("M123 M456");

        // Assert
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("Search for one MRN at a time.", cut.Find(".mud-alert").TextContent, StringComparison.Ordinal);
            Assert.Empty(Rows(cut));
        }, _patience);
    }

    [Fact]
    public async Task NextPage_OnTheFirstPage_ShowsTheRemainingPatientsInOrder()
    {
        // Arrange
        var seeded = await SeedThirtyAsync(RoleNames.Doctor);
        var cut = Render<PatientList>();
        cut.WaitForAssertion(() => Assert.False(PagerButton(cut, "Next page").HasAttribute("disabled")), _patience);

        // Act
        await cut.InvokeAsync(() => PagerButton(cut, "Next page").Click());

        // Assert
        var expected = seeded.InListOrder().Skip(PageSize).Select(Row).ToList();
        cut.WaitForAssertion(() => Assert.Equal(expected, Rows(cut)), _patience);
        Assert.Equal("Page 2", PageNumber(cut));
        Assert.True(PagerButton(cut, "Next page").HasAttribute("disabled"));
        Assert.False(PagerButton(cut, "Previous page").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Render_ExactlyOnePageOfPatients_KeepsNextPageDisabled()
    {
        // Arrange
        await this.AddTestServicesAsync(RoleNames.Doctor);
        var seeded = await Services.GetRequiredService<IPatientStore>()
            .SeedAsync(Enumerable.Range(0, PageSize).Select(i => ("Testy", $"Onepage{(char)('a' + i)}")));

        // Act
        var cut = Render<PatientList>();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(seeded.InListOrder().Select(Row), Rows(cut)), _patience);
        Assert.True(PagerButton(cut, "Next page").HasAttribute("disabled"));
    }

    [Fact]
    public async Task PreviousPage_OnTheSecondPage_ShowsTheFirstPageAgain()
    {
        // Arrange
        var seeded = await SeedThirtyAsync(RoleNames.Doctor);
        var cut = Render<PatientList>();
        cut.WaitForAssertion(() => Assert.False(PagerButton(cut, "Next page").HasAttribute("disabled")), _patience);
        await cut.InvokeAsync(() => PagerButton(cut, "Next page").Click());
        cut.WaitForAssertion(() => Assert.Equal("Page 2", PageNumber(cut)), _patience);

        // Act
        await cut.InvokeAsync(() => PagerButton(cut, "Previous page").Click());

        // Assert
        var expected = seeded.InListOrder().Take(PageSize).Select(Row).ToList();
        cut.WaitForAssertion(() => Assert.Equal(expected, Rows(cut)), _patience);
        Assert.Equal("Page 1", PageNumber(cut));
    }

    [Fact]
    public async Task RowClick_OnAPatient_NavigatesToTheirRecord()
    {
        // Arrange
        var seeded = await SeedThirtyAsync(RoleNames.Doctor);
        var first = seeded.InListOrder().First();
        var cut = Render<PatientList>();
        cut.WaitForAssertion(() => Assert.Equal(PageSize, Rows(cut).Count), _patience);

        // Act
        await cut.InvokeAsync(() => cut.Find("tbody tr.patient-row").Click());

        // Assert: the navigation may land after Click returns.
        var navigation = Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.Equal($"patients/{first.Id}", navigation.ToBaseRelativePath(navigation.Uri)), _patience);
    }

    [Theory]
    [InlineData(RoleNames.Doctor)]
    [InlineData(RoleNames.Receptionist)]
    [InlineData(RoleNames.Admin)]
    public async Task Render_RoleMayCreatePatients_ShowsRegisterPatient(string role)
    {
        // Arrange
        await SeedThirtyAsync(role);

        // Act
        var cut = Render<PatientList>();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(PageSize, Rows(cut).Count), _patience);
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("button"), b => b.TextContent.Trim() == "Register patient"), _patience);
    }

    [Fact]
    public async Task Render_RoleMayNotCreatePatients_HidesRegisterPatient()
    {
        // Arrange: the Nurse role may view and change patients, but not register them.
        await SeedThirtyAsync(RoleNames.Nurse);

        // Act
        var cut = Render<PatientList>();

        // Assert: once the list has loaded, the permission check (which ran first) has settled.
        cut.WaitForAssertion(() => Assert.Equal(PageSize, Rows(cut).Count), _patience);
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Contains("Register patient", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Render_RoleWithoutPatientRights_ShowsTheRefusalInsteadOfRows()
    {
        // Arrange
        await SeedThirtyAsync(RoleNames.Researcher);

        // Act
        var cut = Render<PatientList>();

        // Assert
        cut.WaitForAssertion(() => Assert.Contains("Your role does not allow viewing Patient records.", cut.Find(".mud-alert").TextContent, StringComparison.Ordinal), _patience);
        Assert.Empty(Rows(cut));
    }

    [Fact]
    public async Task Render_OneShardDown_WarnsAboveTheResultsNamingItAndListsTheOtherShardsPatients()
    {
        // Arrange: thirty patients spread over both shards; then the shard of one of them stops answering.
        var seeded = await SeedThirtyAsync(RoleNames.Doctor);
        var down = this.TakeDownShardOf(seeded[0].Id);
        var reachable = seeded.Where(p => this.ShardOf(p.Id) != down).InListOrder().Take(PageSize).Select(Row).ToList();
        Assert.NotEmpty(reachable);

        // Act
        var cut = Render<PatientList>();

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(reachable, Rows(cut)), _patience);
        var warning = cut.Find("[data-testid='unavailable-shards']");
        Assert.Equal(
            $"Some patients may be missing: {down} is not answering. Results from the other shards are shown.",
            warning.TextContent.Trim());
        Assert.Contains("mud-alert-text-warning", warning.ClassName, StringComparison.Ordinal);
        Assert.True(warning.CompareDocumentPosition(cut.Find(".mud-table")).HasFlag(DocumentPositions.Following),
            "The warning is not above the results.");
        Assert.Empty(cut.FindAll(".mud-alert-text-error"));
    }

    [Fact]
    public async Task Search_AfterTheShardIsBack_ClearsTheWarningAndFindsItsPatients()
    {
        // Arrange: the list opens while a shard is down.
        var seeded = await SeedThirtyAsync(RoleNames.Doctor);
        var down = this.TakeDownShardOf(seeded[0].Id);
        var expected = seeded.InListOrder().Take(PageSize).ToList();
        Assert.Contains(expected, p => this.ShardOf(p.Id) == down);
        var cut = Render<PatientList>();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid='unavailable-shards']")), _patience);

        // Act: the next search, once the shard answers again.
        this.BringBackShard(down);
        cut.Find("input[aria-label='Search patients']").Input("famtest");

        // Assert
        cut.WaitForAssertion(() => Assert.Equal(expected.Select(Row), Rows(cut)), _patience);
        Assert.Empty(cut.FindAll("[data-testid='unavailable-shards']"));
    }

    /// <summary>30 patients (10 family names x 3 given names), stored out of list order.</summary>
    private async Task<List<PatientDto>> SeedThirtyAsync(string role, Action<IServiceCollection>? configure = null)
    {
        await this.AddTestServicesAsync(configure, role);
        string[] givens = ["Cleo", "Abe", "Bo"];
        var names = Enumerable.Range(0, 30)
            .Select(i => (i * 7) % 30)
            .Select(i => (givens[i % 3], $"Famtest{(char)('a' + (i / 3))}"));
        return await Services.GetRequiredService<IPatientStore>().SeedAsync(names);
    }

    private static string Row(PatientDto patient) => $"{patient.FamilyName}|{patient.GivenName}|{patient.Mrn}";

    private static List<string> Rows(IRenderedComponent<PatientList> cut) => cut.FindAll("tbody tr.patient-row")
        .Select(row => string.Join('|', row.QuerySelectorAll("td").Take(3).Select(cell => cell.TextContent.Trim())))
        .ToList();

    private static string PageNumber(IRenderedComponent<PatientList> cut) => cut.Find("[data-testid='page-number']").TextContent.Trim();

    private static IElement PagerButton(IRenderedComponent<PatientList> cut, string label) => cut.Find($"button[aria-label='{label}']");
}
