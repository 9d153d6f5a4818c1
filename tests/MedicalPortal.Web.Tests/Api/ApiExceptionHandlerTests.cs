using System.Net;
using System.Net.Http.Json;
using System.Text;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api;

/// <summary>A body the API cannot read is the client's mistake: 400 (or 415) with problem details, never a 500.</summary>
public sealed class ApiExceptionHandlerTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData("birthDate", "1990-13-45")]
    [InlineData("birthDate", "09/03/1984")]
    [InlineData("sex", "robot")]
    public async Task PostPatient_UnreadableValue_Returns400ProblemNamingTheField(string field, string value)
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var body = ApiRequests.Patient("Testy", "Malformed");
        body[field] = value;

        // Act
        using var response = await client.PostAsJsonAsync("/api/v1/patients", body);

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(field, problem.Text("detail"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("this is not JSON")]
    [InlineData("{\"givenName\": \"Testy\", ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"version\": \"one\"}")]
    public async Task PostPatient_BodyIsNotAPatient_Returns400Problem(string json)
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        // Act
        using var response = await client.PostAsync("/api/v1/patients", content);

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task PostPatient_PlainTextBody_Returns415Problem()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        using var content = new StringContent("givenName=Testy", Encoding.UTF8, "text/plain");

        // Act
        using var response = await client.PostAsync("/api/v1/patients", content);

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task PostVisit_UnknownVisitType_Returns400ProblemNamingTheField()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);
        var patient = await client.RegisterPatientAsync(ApiRequests.Patient("Testy", "Badvisit"));
        var body = ApiRequests.Visit();
        body["type"] = "walk-in";

        // Act
        using var response = await client.PostAsJsonAsync($"/api/v1/patients/{patient.Id()}/visits", body);

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("type", problem.Text("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetPatients_MalformedCursor_Returns400ValidationProblemForCursor()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await client.GetAsync("/api/v1/patients?cursor=not-a-cursor");

        // Assert
        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("cursor", problem.ErrorFields());
    }

    [Fact]
    public async Task GetPatients_LimitThatIsNotANumber_Returns400Problem()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await client.GetAsync("/api/v1/patients?limit=abc");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task UnknownApiPath_Returns404Problem()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await client.GetAsync("/api/v1/no-such-resource");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetPatient_IdThatIsNotAGuid_Returns404Problem()
    {
        // Arrange
        using var client = await portal.CreateClientForAsync(DemoUsers.Doctor);

        // Act
        using var response = await client.GetAsync("/api/v1/patients/12345");

        // Assert
        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }
}
