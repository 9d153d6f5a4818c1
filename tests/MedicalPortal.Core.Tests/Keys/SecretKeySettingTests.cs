using System.Security.Cryptography;
using MedicalPortal.Core.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Core.Tests.Keys;

/// <summary>
/// How a key setting is loaded and checked at start: configured outside Development, generated once in Development,
/// and a missing or bad one refused with a message naming the setting (or where a generated key is kept).
/// </summary>
public sealed class SecretKeySettingTests
{
    private const string Path = "Sample:Key";
    private const string DevelopmentName = "sample.key";

    private static readonly SecretKeySetting Setting = new(Path, DevelopmentName);

    private readonly InMemoryDevelopmentKeys _developmentKeys = new();

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task Start_WithAValidKey_LoadsThatKeyAndGeneratesNone(string environment)
    {
        // Arrange
        var key = RandomNumberGenerator.GetBytes(SecretKeySetting.MinimumBytes);
        using var host = Build(environment, Convert.ToBase64String(key));

        // Act
        await host.StartAsync();

        // Assert
        Assert.Equal(key, Load(host));
        Assert.Empty(_developmentKeys.Asked);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Production", null, $"{Path} is required outside Development")]
    [InlineData("Production", "c2hvcnQ=", $"The key in {Path} has 5 bytes; at least 32 are needed.")]
    [InlineData("Production", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", $"The key in {Path} has 31 bytes")]
    [InlineData("Production", "not base64 at all!", $"The key in {Path} is not base64.")]
    [InlineData("Development", "not base64 at all!", $"The key in {Path} is not base64.")]
    [InlineData("Development", "c2hvcnQ=", $"The key in {Path} has 5 bytes")]
    public async Task Start_KeyMissingOutsideDevelopmentTooShortOrNotBase64_RefusesNamingTheSetting(
        string environment, string? key, string expected)
    {
        // Arrange
        using var host = Build(environment, key);

        // Act
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // Assert: and no key was generated in its place.
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);
        Assert.Empty(_developmentKeys.Asked);
    }

    [Fact]
    public async Task Start_InDevelopmentWithoutAKey_LoadsTheGeneratedOne()
    {
        // Arrange
        using var host = Build(Environments.Development, configured: null);

        // Act
        await host.StartAsync();
        var key = Load(host);

        // Assert: the store's key (the same on every load), of the minimum length.
        Assert.Equal(SecretKeySetting.MinimumBytes, key.Length);
        Assert.Equal(Convert.FromBase64String(_developmentKeys.LoadOrCreate(DevelopmentName, 1).Base64), key);
        Assert.All(_developmentKeys.Asked, name => Assert.Equal(DevelopmentName, name));
        await host.StopAsync();
    }

    [Fact]
    public async Task Start_InDevelopmentWithAnUnusableGeneratedKey_RefusesNamingWhereItIsKept()
    {
        // Arrange: a key file edited by hand, say.
        _developmentKeys.Put(DevelopmentName, "this is not a key");
        using var host = Build(Environments.Development, configured: null);

        // Act
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // Assert
        Assert.Contains($"The key in {InMemoryDevelopmentKeys.LocationOf(DevelopmentName)} is not base64", refused.Message, StringComparison.Ordinal);
    }

    private IHost Build(string environment, string? configured)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [Path] = configured });
        builder.Services.AddSingleton<IDevelopmentKeyStore>(_developmentKeys);
        builder.Services.AddOptions<SampleOptions>().BindConfiguration("Sample").ValidateSecretKey(Setting, o => o.Key).ValidateOnStart();
        return builder.Build();
    }

    private byte[] Load(IHost host) => Setting.Load(
        host.Services.GetRequiredService<IOptions<SampleOptions>>().Value.Key, host.Services.GetRequiredService<IHostEnvironment>(), _developmentKeys);

    private sealed class SampleOptions
    {
        public string? Key { get; set; }
    }
}
