using System.Net;
using System.Net.Http.Headers;
using MedicalPortal.Client;
using MedicalPortal.Client.Models;
using MedicalPortal.Data;
using MedicalPortal.Data.Seeding;
using MedicalPortal.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace MedicalPortal.Web.Tests.Client;

/// <summary>
/// The C# client Kiota generated from the OpenAPI document (clients/MedicalPortal.Client), driving the main journeys
/// over HTTP against the real portal on Kestrel, as an integrator's program would: sign in, search, register a patient,
/// record a visit, meet a conflict as a typed problem, and page with cursors. On SQLite files and on PostgreSQL.
/// </summary>
public abstract class GeneratedClientTests(GeneratedClientTests.PortalOnKestrel portal)
{
    [Fact]
    public async Task SignIn_ThenSearch_FindsTheDemoPatientsAcrossTheShards()
    {
        // Arrange
        var client = await portal.SignedInAsync(DemoUsers.Doctor);

        // Act
        var page = await client.Api.V1.Patients.GetAsync(request => request.QueryParameters.Limit = 5);

        // Assert
        Assert.NotNull(page);
        Assert.Equal(5, page.Items?.Count);
        Assert.All(page.Items!, p => Assert.Matches("^D[0-9]{6}$", p.Mrn));
        Assert.Empty(page.UnavailableShards ?? []);
    }

    [Fact]
    public async Task SignIn_WrongPassword_IsATypedProblemWith401()
    {
        var anonymous = portal.Client(accessToken: null);

        var refused = await Assert.ThrowsAsync<ProblemDetails>(() =>
            anonymous.Api.V1.Auth.Login.PostAsync(new LoginRequest { Email = DemoUsers.Doctor, Password = "not the password" }));

        Assert.Equal(401, refused.ResponseStatusCode);
        Assert.Equal("Wrong e-mail or password.", refused.Detail);
    }

    [Fact]
    public async Task RegisterAPatient_ThenRecordAVisit_BothReadBack()
    {
        // Arrange
        var client = await portal.SignedInAsync(DemoUsers.Doctor);

        // Act: a patient, without an MRN (the server assigns one), then a visit with vitals and a code.
        var patient = await client.Api.V1.Patients.PostAsync(new PatientRequest
        {
            GivenName = "Kiota", FamilyName = "Generated", BirthDate = new Microsoft.Kiota.Abstractions.Date(1984, 5, 6), Sex = Sex.Other,
        });
        var visit = await client.Api.V1.Patients[patient!.Id!.Value].Visits.PostAsync(new VisitRequest
        {
            StartedAt = DateTimeOffset.UtcNow.AddHours(-1), Type = VisitType.FollowUp, Clinician = "Dr. Client Test",
            Systolic = 128, Diastolic = 82, DiagnosisCodes = ["I10"],
        });

        // Assert
        var read = await client.Api.V1.Patients[patient.Id.Value].GetAsync();
        Assert.Equal(("Kiota", "Generated", 1), (read?.GivenName, read?.FamilyName, read?.Version));
        Assert.False(string.IsNullOrEmpty(read?.Mrn));
        var visits = await client.Api.V1.Patients[patient.Id.Value].Visits.GetAsync();
        var listed = Assert.Single(visits!.Items!);
        Assert.Equal((visit!.Id, VisitType.FollowUp, 128, 82), (listed.Id, listed.Type, listed.Systolic, listed.Diastolic));
        Assert.Equal(["I10"], listed.DiagnosisCodes);
    }

    [Fact]
    public async Task Update_WithAStaleVersion_IsATypedProblemWith409_AndChangesNothing()
    {
        // Arrange: a patient, updated once (version 2).
        var client = await portal.SignedInAsync(DemoUsers.Doctor);
        var patient = await client.Api.V1.Patients.PostAsync(new PatientRequest
        {
            GivenName = "Stale", FamilyName = "Versioned", BirthDate = new Microsoft.Kiota.Abstractions.Date(1990, 1, 2), Sex = Sex.Female,
        });
        var item = client.Api.V1.Patients[patient!.Id!.Value];
        await item.PutAsync(new PatientRequest { GivenName = "Stale", FamilyName = "Versioned", BirthDate = new(1990, 1, 2), Sex = Sex.Female, City = "First", Version = 1 });

        // Act: a second writer still holding version 1.
        var conflict = await Assert.ThrowsAsync<ProblemDetails>(() =>
            item.PutAsync(new PatientRequest { GivenName = "Stale", FamilyName = "Versioned", BirthDate = new(1990, 1, 2), Sex = Sex.Female, City = "Second", Version = 1 }));

        // Assert
        Assert.Equal(409, conflict.ResponseStatusCode);
        Assert.Equal(409, conflict.Status);
        var stored = await item.GetAsync();
        Assert.Equal(("First", 2), (stored?.City, stored?.Version));
    }

    [Fact]
    public async Task Register_WithoutAName_IsAValidationProblemNamingTheFields()
    {
        var client = await portal.SignedInAsync(DemoUsers.Doctor);

        var invalid = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() =>
            client.Api.V1.Patients.PostAsync(new PatientRequest { BirthDate = new Microsoft.Kiota.Abstractions.Date(1990, 1, 2) }));

        Assert.Equal(400, invalid.ResponseStatusCode);
        Assert.Contains("givenName", invalid.Errors!.AdditionalData.Keys);
        Assert.Contains("familyName", invalid.Errors.AdditionalData.Keys);
    }

    [Fact]
    public async Task Search_PagedWithCursors_VisitsEveryMatchOnce()
    {
        // Arrange: the demo data's patients, two at a time.
        var client = await portal.SignedInAsync(DemoUsers.Doctor);
        var seen = new List<Guid>();
        string? cursor = null;

        // Act: the first four pages.
        for (var page = 0; page < 4; page++)
        {
            var result = await client.Api.V1.Patients.GetAsync(request =>
            {
                request.QueryParameters.Limit = 2;
                request.QueryParameters.Cursor = cursor;
            });
            seen.AddRange(result!.Items!.Select(p => p.Id!.Value));
            cursor = result.NextCursor;
            Assert.NotNull(cursor);
        }

        // Assert
        Assert.Equal(8, seen.Count);
        Assert.Equal(8, seen.Distinct().Count());
    }

    /// <summary>The portal on Kestrel on a free loopback port, with its demo data, on SQLite files or on <see cref="Databases"/>.</summary>
    public class PortalOnKestrel : IAsyncLifetime, IAsyncDisposable
    {
        private readonly List<HttpClient> _clients = [];
        private PortalFactory? _factory;

        public string BaseUrl { get; private set; } = "";

        /// <summary>The databases to run on; null: the embedded default's SQLite files.</summary>
        protected TestDatabases? Databases { get; set; }

        public virtual Task InitializeAsync()
        {
            _factory = new PortalFactory { Settings = PortalFactory.UnthrottledSignIn, Databases = Databases };
            _factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            _factory.StartServer();
            BaseUrl = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            return Task.CompletedTask;
        }

        /// <summary>The generated client, over the network, sending <paramref name="accessToken"/> as its bearer token.</summary>
        public PortalApiClient Client(string? accessToken)
        {
            var http = new HttpClient();
            if (accessToken is not null)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            }

            _clients.Add(http);
            return new PortalApiClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = BaseUrl });
        }

        /// <summary>Signs in through the generated client and returns one that carries the access token.</summary>
        public async Task<PortalApiClient> SignedInAsync(string email)
        {
            var tokens = await Client(accessToken: null).Api.V1.Auth.Login.PostAsync(new LoginRequest { Email = email, Password = DemoAccounts.DefaultPassword });
            return Client(tokens?.AccessToken ?? throw new InvalidOperationException("No access token."));
        }

        Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

        /// <summary>Stops the portal, then drops its databases, if it has its own.</summary>
        public async ValueTask DisposeAsync()
        {
            _clients.ForEach(c => c.Dispose());
            if (_factory is { } factory)
            {
                _factory = null;
                await factory.DisposeAsync();
            }

            if (Databases is { } databases)
            {
                Databases = null;
                await databases.DisposeAsync();
            }

            GC.SuppressFinalize(this);
        }
    }

    /// <summary>The same portal on Kestrel on fresh PostgreSQL databases (a catalog and its shards).</summary>
    public sealed class PostgresPortalOnKestrel : PortalOnKestrel
    {
        public override async Task InitializeAsync()
        {
            Databases = await TestDatabases.CreateAsync(DatabaseProvider.Postgres);
            await Task.Run(base.InitializeAsync);
        }
    }

    public sealed class OnSqlite(PortalOnKestrel fixture) : GeneratedClientTests(fixture), IClassFixture<PortalOnKestrel>;

    public sealed class OnPostgres(PostgresPortalOnKestrel fixture) : GeneratedClientTests(fixture), IClassFixture<PostgresPortalOnKestrel>;
}
