using System.Net;
using System.Net.Http.Json;
using MedicalPortal.Data.Identity;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace MedicalPortal.Web.Tests.Api.Auth;

/// <summary>
/// A sign-in with an e-mail no account has does the work a wrong password does (one password-hash verification), so
/// its answer takes as long and an account's existence cannot be read from the time; in the browser and on the API.
/// Measured by the work done, not by the clock.
/// </summary>
public sealed class SignInTimingTests : IAsyncLifetime, IDisposable
{
    private readonly CountingHasher _hasher = new();
    private readonly PortalFactory _portal = new();
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _counted = default!;

    public Task InitializeAsync()
    {
        _counted = _portal.WithWebHostBuilder(builder => builder.ConfigureTestServices(
            services => services.AddSingleton<IPasswordHasher<ApplicationUser>>(_hasher)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _counted.DisposeAsync();
        await _portal.DisposeAsync();
    }

    public void Dispose() => _portal.Dispose();

    [Theory]
    [InlineData("nobody-at-all@clinic.test")]
    [InlineData(DemoUsers.Doctor)]
    public async Task ApiLogin_UnknownAccountOrWrongPassword_OnePasswordVerificationEither_SameAnswer(string email)
    {
        using var client = _counted.CreateClient();
        _ = await client.GetAsync("/health/live");
        _hasher.Verifications = 0;

        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = "Not-The-Password-42" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Wrong e-mail or password.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, _hasher.Verifications);
    }

    private sealed class CountingHasher : IPasswordHasher<ApplicationUser>
    {
        private readonly PasswordHasher<ApplicationUser> _inner = new();
        private int _verifications;

        public int Verifications
        {
            get => Volatile.Read(ref _verifications);
            set => Volatile.Write(ref _verifications, value);
        }

        public string HashPassword(ApplicationUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ApplicationUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
