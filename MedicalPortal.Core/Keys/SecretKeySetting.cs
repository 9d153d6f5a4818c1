using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Core.Keys;

/// <summary>
/// A key the portal keeps outside its databases (<c>Audit:HmacKey</c>, <c>Export:PseudonymKey</c>): base64 of at least
/// <see cref="MinimumBytes"/> bytes. Outside Development it must be configured: what it protects (a sealed audit chain,
/// research ids linked across a study's extractions) would not survive a throwaway key. In Development, when none is
/// configured, one is generated once and kept (<see cref="IDevelopmentKeyStore"/>), so a restart reuses it.
/// </summary>
public sealed class SecretKeySetting(string path, string developmentName)
{
    public const int MinimumBytes = 32;

    /// <summary>The configuration key, such as <c>Audit:HmacKey</c>.</summary>
    public string Path { get; } = path;

    /// <summary>
    /// The key: the configured one, else in Development the generated one. A missing or bad key was refused at start
    /// (<see cref="SecretKeyOptionsBuilderExtensions.ValidateSecretKey{TOptions}"/>); should it get here anyway, it throws too.
    /// </summary>
    public byte[] Load(string? configured, IHostEnvironment environment, IDevelopmentKeyStore developmentKeys)
    {
        var (key, problem) = Resolve(configured, environment, developmentKeys);
        return key ?? throw new InvalidOperationException(problem);
    }

    /// <summary>The key, or why there is none: a message that names the setting, or the file of a generated key.</summary>
    internal (byte[]? Key, string? Problem) Resolve(string? configured, IHostEnvironment environment, IDevelopmentKeyStore developmentKeys)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(developmentKeys);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Decode(configured, Path);
        }

        if (!environment.IsDevelopment())
        {
            return (null, $"{Path} is required outside Development: a base64 key of at least {MinimumBytes} bytes, kept outside the databases (for example: openssl rand -base64 32).");
        }

        var generated = developmentKeys.LoadOrCreate(developmentName, MinimumBytes);
        return Decode(generated.Base64, generated.Location);
    }

    private static (byte[]? Key, string? Problem) Decode(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return (null, $"The key in {source} is not base64.");
        }

        return key.Length >= MinimumBytes
            ? (key, null)
            : (null, $"The key in {source} has {key.Length} bytes; at least {MinimumBytes} are needed.");
    }
}

public static class SecretKeyOptionsBuilderExtensions
{
    /// <summary>
    /// Refuses the options when <paramref name="setting"/> is missing outside Development, not base64 or too short, with
    /// a message naming it; in Development an unset key is generated here. With <c>ValidateOnStart</c>, at start.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateSecretKey<TOptions>(
        this OptionsBuilder<TOptions> builder, SecretKeySetting setting, Func<TOptions, string?> configured)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(sp => new SecretKeyValidation<TOptions>(
            builder.Name, setting, configured, sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<IDevelopmentKeyStore>()));
        return builder;
    }

    private sealed class SecretKeyValidation<TOptions>(
        string? optionsName,
        SecretKeySetting setting,
        Func<TOptions, string?> configured,
        IHostEnvironment environment,
        IDevelopmentKeyStore developmentKeys) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            if (optionsName is not null && optionsName != name)
            {
                return ValidateOptionsResult.Skip;
            }

            return setting.Resolve(configured(options), environment, developmentKeys).Problem is { } problem
                ? ValidateOptionsResult.Fail(problem)
                : ValidateOptionsResult.Success;
        }
    }
}
