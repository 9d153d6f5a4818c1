using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MedicalPortal.Data.KeyRing;

/// <summary>
/// What the key ring's certificates must be before the portal (or a command) starts: outside Development a certificate
/// (a node without one would write keys in the clear, or keys no other node can read), and every certificate
/// configured, current or previous, readable with its RSA private key. Each failure names its key.
/// </summary>
internal sealed class KeyRingOptionsValidator(IHostEnvironment environment) : IValidateOptions<KeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Certificate))
        {
            Check(options.Certificate, options.CertificatePassword, KeyRingOptions.CertificateSetting, KeyRingOptions.CertificatePasswordSetting, failures);
        }
        else if (!environment.IsDevelopment())
        {
            failures.Add(KeyRingCertificates.Required);
        }

        for (var i = 0; i < options.PreviousCertificates.Count; i++)
        {
            var previous = options.PreviousCertificates[i];
            var setting = KeyRingOptions.PreviousSetting(i, nameof(PreviousKeyRingCertificate.Certificate));
            if (string.IsNullOrWhiteSpace(previous.Certificate))
            {
                failures.Add($"{setting} is empty: name the certificate that encrypted keys before the current one, or remove the entry.");
                continue;
            }

            Check(previous.Certificate, previous.CertificatePassword, setting,
                KeyRingOptions.PreviousSetting(i, nameof(PreviousKeyRingCertificate.CertificatePassword)), failures);
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private void Check(string configured, string? password, string setting, string passwordSetting, List<string> failures)
    {
        var (certificate, problem) = KeyRingCertificateLoader.Load(configured, password, setting, passwordSetting, environment.ContentRootPath);
        certificate?.Dispose();
        if (problem is not null)
        {
            failures.Add(problem);
        }
    }
}
