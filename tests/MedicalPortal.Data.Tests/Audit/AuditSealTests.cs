using System.Text;
using MedicalPortal.Data.Audit;

namespace MedicalPortal.Data.Tests.Audit;

/// <summary>
/// The seal's canonical form is a promise to every chain already written: if it changed, every stored entry would
/// fail verification. These known answers were computed once and must never change.
/// </summary>
public sealed class AuditSealTests
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("audit-seal-known-answer-key-0001");

    [Fact]
    public void Compute_AChangeEntry_GivesTheKnownSeal()
    {
        var entry = new AuditEntry
        {
            Sequence = 42,
            Timestamp = new DateTimeOffset(2026, 11, 28, 9, 30, 15, TimeSpan.Zero).AddTicks(1234560),
            ActorId = "account-7",
            ActorName = "doctor@clinic.test",
            Action = "Update",
            Resource = "Patient",
            ResourceId = "0b6a8f2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b",
            PatientId = Guid.Parse("0b6a8f2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b"),
            Changes = "[{\"p\":\"Phone\",\"o\":null,\"n\":\"+1 555 010 2030\"}]",
            PatientIds = "[]",
            CorrelationId = "4bf92f3577b34da6a3ce929d0e0e4736",
            PreviousHash = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
        };

        Assert.Equal("EB9D25BD39F0ECC0AE198482A1DB5AD80A09AF2F7408C698CEB94DC10E57D650", Convert.ToHexString(AuditSeal.Compute(Key, entry)));
    }

    [Fact]
    public void Compute_AReadEntryWithNullsAndNonAsciiNames_GivesTheKnownSeal()
    {
        var entry = new AuditEntry
        {
            Sequence = 1,
            Timestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
            ActorId = null,
            ActorName = "Zoë Müller <søren@clinic.test>",
            Action = "Read",
            Resource = "Patient",
            ResourceId = null,
            PatientId = null,
            PatientIds = "[\"0b6a8f2e-3c1d-4e5f-8a9b-0c1d2e3f4a5b\",\"1c7b9f3e-4d2e-5f6a-9bac-1d2e3f4a5b6c\"]",
            CorrelationId = null,
            PreviousHash = new byte[32],
        };

        Assert.Equal("513DF38AC3E5CC35AE43321B7A18CDB2BBCD7E9C964A4C0AB6AD10419C7D92D4", Convert.ToHexString(AuditSeal.Compute(Key, entry)));
        Assert.Equal("182C2BB1A673AC60168B7E9A50F0B51E57347E74923A5E7536565297995D9A70", Convert.ToHexString(AuditSeal.Compute(Key, entry, asSequence: 7)));
    }
}
