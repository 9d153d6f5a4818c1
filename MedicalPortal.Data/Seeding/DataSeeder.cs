using Bogus;
using MedicalPortal.Core.Audit;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Studies;
using MedicalPortal.Core.Visits;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Patients;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace MedicalPortal.Data.Seeding;

internal sealed partial class DataSeeder(
    UserManager<ApplicationUser> users,
    Catalog.CatalogDbContext accountContext,
    PatientSeeder patientSeeder,
    IStudyStore studies,
    MrnRegistry mrns,
    TimeProvider clock,
    ILogger<DataSeeder> logger) : IDataSeeder
{
    public const int DemoPatientCount = 300;
    public const int BatchSize = 1000;

    public async Task SeedDemoAsync(string password, CancellationToken cancellationToken)
    {
        // Seeding is the portal's own doing: its accounts, like its studies and patients, are created by the system.
        accountContext.Actor = AuditActor.System;
        var now = clock.GetUtcNow();
        await EnsureStudyAsync(DemoData.DemoStudyId, DemoData.DemoStudy(), now, cancellationToken);
        await EnsureStudyAsync(DemoData.RecruitingStudyId, DemoData.RecruitingStudy(), now, cancellationToken);
        var demo = Enumerable.Range(0, DemoPatientCount).Select(i => DemoPatient(i, now)).ToList();

        var taken = await mrns.ReserveManyAsync(demo.Select(p => (p.Patient.Mrn, p.Patient.Id)).ToList(), cancellationToken);
        if (taken.Count > 0)
        {
            // Only possible if someone registered a real patient under a demo MRN; leave that patient alone.
            LogDemoMrnsTaken(logger, taken.Count);
            demo = demo.Where(p => !taken.Contains(p.Patient.Mrn)).ToList();
            await mrns.ReserveManyAsync(demo.Select(p => (p.Patient.Mrn, p.Patient.Id)).ToList(), cancellationToken);
        }

        var added = await patientSeeder.InsertAsync(demo, cancellationToken);
        if (added.Patients > 0)
        {
            LogDemoPatients(logger, added.Patients, added.Visits);
        }

        var patientZero = demo.First(p => p.Patient.Id == DemoData.DemoPatientId(0)).Patient;
        foreach (var account in DemoAccounts.All)
        {
            var linked = account.Role == Core.Permissions.RoleNames.Patient ? patientZero : null;
            await EnsureAccountAsync(account, linked, password, cancellationToken);
        }
    }

    public async Task<SeedResult> SeedPatientsAsync(
        int patients, int visitsPerPatient, IProgress<SeedResult>? progress, CancellationToken cancellationToken, int? randomSeed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patients);
        ArgumentOutOfRangeException.ThrowIfNegative(visitsPerPatient);

        // Unseeded: fresh patients each time. Seeded: everything that tells patients apart comes from one generator
        // and one fixed instant, so two runs (on any number of shards) hold the same patients.
        var random = randomSeed is { } seed ? new Random(seed) : null;
        var faker = random is null ? new Faker("en") : new Faker("en") { Random = new Randomizer(random.Next()) };
        var now = random is null ? clock.GetUtcNow() : DemoData.ReferenceDate;
        Guid NewId() => random is null ? Guid.CreateVersion7(now) : SeededVersion7(now, random);
        string NewMrn() => random is null ? Mrn.Generate() : Mrn.Generate(random.Next);
        var total = new SeedResult(0, 0);
        while (total.Patients < patients)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(BatchSize, patients - total.Patients);
            var batch = new List<SeedPatient>(count);
            for (var i = 0; i < count; i++)
            {
                var input = DemoData.Patient(faker, now);
                var patient = Patient.Register(NewId(), NewMrn(), input, now);
                var visits = Enumerable.Range(0, visitsPerPatient)
                    .Select(_ => Visit.Record(patient.Id, patient.BirthDate, DemoData.Visit(faker, patient.BirthDate, now), now))
                    .ToList();
                batch.Add(new SeedPatient(patient, visits));
            }

            // Random MRNs can collide with existing ones; give those patients new MRNs until the batch is reserved.
            IReadOnlySet<string> taken;
            while ((taken = await mrns.ReserveManyAsync(batch.Select(p => (p.Patient.Mrn, p.Patient.Id)).ToList(), cancellationToken)).Count > 0)
            {
                batch = batch.Select(p => taken.Contains(p.Patient.Mrn) ? WithNewMrn(p, NewMrn(), now) : p).ToList();
            }

            var added = await patientSeeder.InsertAsync(batch, cancellationToken);
            total = new SeedResult(total.Patients + added.Patients, total.Visits + added.Visits);
            progress?.Report(total);
        }

        return total;
    }

    private static SeedPatient DemoPatient(int index, DateTimeOffset now)
    {
        var faker = DemoData.DemoFaker(index);
        var input = DemoData.DemoPatient(faker, index);
        var patient = Patient.Register(DemoData.DemoPatientId(index), DemoData.DemoMrn(index), input, now);
        var visits = Enumerable.Range(0, index == 0 ? 4 : faker.Random.Int(0, 6))
            .Select(_ => Visit.Record(patient.Id, patient.BirthDate, DemoData.Visit(faker, patient.BirthDate, DemoData.ReferenceDate), now))
            .ToList();
        var consents = DemoData.DemoConsent(index) is { } consentedAt
            ? new[] { Enrollment.Consent(DemoData.DemoStudyId, patient.Id, consentedAt, now) }
            : [];
        return new SeedPatient(patient, visits, consents);
    }

    private async Task EnsureStudyAsync(Guid id, StudyInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await studies.FindAsync(id, cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await studies.AddAsync(AuditActor.System, MedicalStudy.Create(input, now, id), cancellationToken);
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // Another node seeded it at the same moment; otherwise this is a real failure.
            if (await studies.FindAsync(id, cancellationToken) is null)
            {
                throw;
            }
        }
    }

    /// <summary>A version 7 id at <paramref name="timestamp"/> whose random bits come from <paramref name="random"/>.</summary>
    private static Guid SeededVersion7(DateTimeOffset timestamp, Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        var milliseconds = timestamp.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    private static SeedPatient WithNewMrn(SeedPatient seed, string mrn, DateTimeOffset now)
    {
        var p = seed.Patient;
        var input = new PatientInput
        {
            GivenName = p.GivenName, FamilyName = p.FamilyName, BirthDate = p.BirthDate, Sex = p.Sex, Phone = p.Phone,
            Email = p.Email, AddressLine = p.AddressLine, City = p.City, State = p.State, PostalCode = p.PostalCode,
        };
        return seed with { Patient = Patient.Register(p.Id, mrn, input, now) };
    }

    private async Task EnsureAccountAsync(
        DemoAccount account, Patient? linkedPatient, string password, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (await users.FindByEmailAsync(account.Email) is not null)
        {
            return;
        }

        var user = new ApplicationUser
        {
            UserName = account.Email,
            Email = account.Email,
            EmailConfirmed = true,
            DisplayName = account.DisplayName ?? (linkedPatient is null ? null : $"{linkedPatient.GivenName} {linkedPatient.FamilyName}"),
            PatientId = linkedPatient?.Id,
        };

        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user, password);
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            // The unique index refused it: another node starting at the same moment created it first. Forget the
            // refused row, or the next account's save would try it again.
            accountContext.ChangeTracker.Clear();
            if (await users.FindByEmailAsync(account.Email) is not null)
            {
                return;
            }

            throw;
        }

        if (!created.Succeeded)
        {
            if (await users.FindByEmailAsync(account.Email) is not null)
            {
                return; // Another node created it at the same moment.
            }

            throw new InvalidOperationException(
                $"The demo {account.Role} account could not be created: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        }

        var inRole = await users.AddToRoleAsync(user, account.Role);
        if (!inRole.Succeeded)
        {
            throw new InvalidOperationException(
                $"The demo {account.Role} account could not join its role: {string.Join(" ", inRole.Errors.Select(e => e.Description))}");
        }

        LogDemoAccount(logger, account.Role);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Patients} demo patients with {Visits} visits.")]
    private static partial void LogDemoPatients(ILogger logger, int patients, int visits);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} demo MRNs are held by other patients; those demo patients were skipped.")]
    private static partial void LogDemoMrnsTaken(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the demo account of role {Role}.")]
    private static partial void LogDemoAccount(ILogger logger, string role);
}
