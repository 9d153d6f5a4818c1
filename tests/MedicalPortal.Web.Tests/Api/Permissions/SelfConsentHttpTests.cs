using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Api.Permissions;

/// <summary>
/// A patient's own consent is dated by the server: patient@clinic.test cannot backdate it through the API. Staff still
/// record a paper consent with the date it was signed.
/// </summary>
[Collection(SharedPortals.Default)]
public sealed class SelfConsentHttpTests(PortalFactory portal)
{
    [Fact]
    public async Task PostEnrollment_PatientBackdatesOwnConsent_RecordedWithTheServersTime()
    {
        // Arrange
        using var patient = await portal.CreateClientForAsync(DemoUsers.Patient);
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var ownId = await portal.LinkedPatientIdAsync(DemoUsers.Patient) ?? throw new InvalidOperationException("patient@clinic.test has no linked record.");
        var study = await admin.CreateStudyAsync(ApiRequests.Study());
        var before = DateTimeOffset.UtcNow;

        // Act
        using var response = await patient.PostAsJsonAsync($"/api/v1/studies/{study.Id()}/enrollments", ApiRequests.Consent(ownId, "2020-01-01T09:00:00Z"));

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var consentedAt = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("consentedAt").GetDateTimeOffset();
        Assert.InRange(consentedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task PostEnrollment_StaffRecordsPaperConsent_KeepsTheDateItWasSigned()
    {
        // Arrange
        using var admin = await portal.CreateClientForAsync(DemoUsers.Admin);
        var other = await admin.RegisterPatientAsync(ApiRequests.Patient("Consentgiven", $"Paper{ApiRequests.UniqueLetters()}"));
        var study = await admin.CreateStudyAsync(ApiRequests.Study());

        // Act
        using var response = await admin.PostAsJsonAsync($"/api/v1/studies/{study.Id()}/enrollments", ApiRequests.Consent(other.Id(), "2025-03-04T12:00:00Z"));

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var consentedAt = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("consentedAt").GetDateTimeOffset();
        Assert.Equal(new DateTimeOffset(2025, 3, 4, 12, 0, 0, TimeSpan.Zero), consentedAt);
    }
}
