using System.Net;
using MedicalPortal.Data;
using MedicalPortal.Testing;
using MedicalPortal.Web.Tests.Infrastructure;

namespace MedicalPortal.Web.Tests.Hosting;

/// <summary>
/// The Data Protection key ring behind cookies and bearer tokens is encrypted to <c>DataProtection:Certificate</c>: a
/// token one node issued is honoured by a node of the same installation with the same certificate, and refused by one
/// with another certificate over the same catalog. A certificate that cannot be opened stops the node with one line.
/// </summary>
public sealed class KeyRingCertificateTests : IDisposable
{
    private const string Password = "correct horse battery staple";

    private const string WrongPassword = "Tr0ub4dor&3";

    private readonly CommandLineHarness _commandLine = new() { PreparesDatabases = true };

    public void Dispose() => _commandLine.Dispose();

    [Fact]
    public async Task BearerToken_IssuedByANode_IsHonouredByANodeWithTheSameCertificateAndRefusedByOneWithAnother()
    {
        // Arrange: three nodes on one catalog, two of them with the certificate the token's key was encrypted to.
        await using var databases = await TestDatabases.CreateAsync(DatabaseProvider.Sqlite);
        var certificate = TestCertificates.NewPem();
        await using var issuer = Node(databases, certificate);
        await using var sameCertificate = Node(databases, certificate);
        await using var otherCertificate = Node(databases, TestCertificates.NewPem());
        using var signIn = issuer.CreateAnonymousClient();
        var token = (await PortalFactory.LoginAsync(signIn, DemoUsers.Doctor, Data.Seeding.DemoAccounts.DefaultPassword))
            .GetProperty("accessToken").GetString()!;

        // Act
        using var onSame = sameCertificate.CreateClientWithToken(token);
        using var honoured = await onSame.GetAsync("/api/v1/patients?q=D000001");
        using var onOther = otherCertificate.CreateClientWithToken(token);
        using var refused = await onOther.GetAsync("/api/v1/patients?q=D000001");

        // Assert
        Assert.Equal(HttpStatusCode.OK, honoured.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("migrate")]
    public async Task InvokeAsync_CertificateWithAWrongPassword_Exits1WithOneLineNamingThePasswordSetting(string command)
    {
        // Arrange
        var file = Path.Combine(_commandLine.Directory, "key-ring.pfx");
        await File.WriteAllBytesAsync(file, TestCertificates.NewPkcs12(Password));

        // Act
        var run = await _commandLine.RunAsync(
            [.. Words(command), "--DataProtection:Certificate", file, "--DataProtection:CertificatePassword", WrongPassword]);

        // Assert
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal("DataProtection:Certificate cannot be opened with DataProtection:CertificatePassword: the password is wrong, or the file is damaged.", line);
        Assert.DoesNotContain(WrongPassword, run.Output + run.Error, StringComparison.Ordinal);
        Assert.Empty(_commandLine.DatabaseFiles());
    }

    private static string[] Words(string command) => command.Length == 0 ? [] : [command];

    /// <summary>A node in Development (so the first one seeds the demo accounts) on <paramref name="databases"/>.</summary>
    private static PortalFactory Node(TestDatabases databases, string certificatePem) => new()
    {
        Databases = databases,
        Settings = new Dictionary<string, string?> { ["DataProtection:Certificate"] = certificatePem },
    };
}
