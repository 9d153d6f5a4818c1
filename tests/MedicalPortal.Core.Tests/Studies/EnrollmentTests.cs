using MedicalPortal.Core.Sharding;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Tests.Validation;
using Microsoft.Extensions.Time.Testing;

namespace MedicalPortal.Core.Tests.Studies;

public sealed class EnrollmentTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid StudyId = Guid.Parse("0192f4a0-7b3c-7def-8a12-00000000aaaa");
    private static readonly Guid PatientId = Guid.Parse("0192f4a0-7b3c-7def-8a12-00000000bbbb");

    [Fact]
    public void Consent_ValidDate_CreatesActiveEnrollmentOnThePatientsBucket()
    {
        // Act
        var enrollment = Enrollment.Consent(StudyId, PatientId, Now.AddDays(-1), Now);

        // Assert
        Assert.True(enrollment.IsActive);
        Assert.Null(enrollment.WithdrawnAt);
        Assert.Equal(1, enrollment.Version);
        Assert.Equal(StudyId, enrollment.StudyId);
        Assert.Equal(PatientId, enrollment.PatientId);
        Assert.Equal(Buckets.ForPatient(PatientId), Buckets.OfRecordId(enrollment.Id));
        Assert.Equal(7, enrollment.Id.Version);
    }

    [Fact]
    public void Consent_DateWithOffset_IsStoredInUtc()
    {
        // Arrange
        var consentedAt = new DateTimeOffset(2026, 3, 15, 8, 0, 0, TimeSpan.FromHours(-4));

        // Act
        var enrollment = Enrollment.Consent(StudyId, PatientId, consentedAt, Now);

        // Assert
        Assert.Equal(TimeSpan.Zero, enrollment.ConsentedAt.Offset);
        Assert.Equal(consentedAt, enrollment.ConsentedAt);
    }

    [Fact]
    public void Consent_Missing_ThrowsForConsentedAt()
    {
        // Act, Assert
        ValidationAssert.Throws("consentedAt", () => Enrollment.Consent(StudyId, PatientId, consentedAt: null, Now));
    }

    [Fact]
    public void Consent_InTheFuture_ThrowsForConsentedAt()
    {
        // Act, Assert
        ValidationAssert.Throws("consentedAt", () => Enrollment.Consent(StudyId, PatientId, Now.AddMinutes(6), Now));
    }

    [Fact]
    public void Consent_WithinTheFiveMinuteClockTolerance_IsAccepted()
    {
        // Act
        var enrollment = Enrollment.Consent(StudyId, PatientId, Now.AddMinutes(5), Now);

        // Assert
        Assert.Equal(Now.AddMinutes(5), enrollment.ConsentedAt);
    }

    [Fact]
    public void Withdraw_ActiveEnrollment_SetsWithdrawnAtAndVersion()
    {
        // Arrange
        var clock = new FakeTimeProvider(Now);
        var enrollment = Enrollment.Consent(StudyId, PatientId, Now, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromDays(10));

        // Act
        enrollment.Withdraw(clock.GetUtcNow());

        // Assert
        Assert.Equal(Now.AddDays(10), enrollment.WithdrawnAt);
        Assert.False(enrollment.IsActive);
        Assert.Equal(2, enrollment.Version);
        Assert.Equal(Now.AddDays(10), enrollment.ToDto().WithdrawnAt);
    }

    [Fact]
    public void Withdraw_Twice_KeepsTheFirstWithdrawal()
    {
        // Arrange
        var clock = new FakeTimeProvider(Now);
        var enrollment = Enrollment.Consent(StudyId, PatientId, Now, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromDays(1));
        enrollment.Withdraw(clock.GetUtcNow());
        clock.Advance(TimeSpan.FromDays(1));

        // Act
        enrollment.Withdraw(clock.GetUtcNow());

        // Assert
        Assert.Equal(Now.AddDays(1), enrollment.WithdrawnAt);
        Assert.Equal(Now.AddDays(1), enrollment.UpdatedAt);
        Assert.Equal(2, enrollment.Version);
    }
}
