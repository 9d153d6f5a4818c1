namespace MedicalPortal.E2E.Infrastructure;

/// <summary>One portal and one browser shared by the end-to-end tests of a collection.</summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public PortalServer Server { get; private set; } = default!;

    public Chromium Chromium { get; private set; } = default!;

    /// <summary>Where failure screenshots go (also useful to look at the screens by hand).</summary>
    public static string ArtifactsDirectory { get; } =
        Environment.GetEnvironmentVariable("E2E_ARTIFACTS") ?? Path.Combine(Path.GetTempPath(), "medicalportal-e2e-artifacts");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        Server = new PortalServer();
        Chromium = await Chromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        await Server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalTests : ICollectionFixture<PortalFixture>
{
    public const string Name = "Portal";
}
