using System.Net;
using System.Text.Json;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace MedicalPortal.Web.Tests.Fhir;

/// <summary>Reads FHIR answers as a FHIR client does: parsed with the Firely SDK, validated against the core R4 definitions.</summary>
internal static class FhirAssert
{
    private static readonly JsonSerializerOptions Json = new JsonSerializerOptions().ForFhir();

    private static readonly Lazy<Validator> Validator = new(() =>
    {
        var definitions = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(definitions, LocalTerminologyService.CreateDefaultForCore(definitions));
    });

    /// <summary>The validator against the core R4 definitions (specification.zip of Hl7.Fhir.Specification.Data.R4).</summary>
    public static Validator CoreValidator => Validator.Value;

    /// <summary>GETs <paramref name="path"/>, expects <paramref name="status"/> and FHIR JSON, and returns the resource, validated.</summary>
    public static async Task<T> ReadAsync<T>(HttpClient client, string path, HttpStatusCode status)
        where T : Resource
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        return Assert.IsType<T>(Validated(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>Parses FHIR JSON and validates it against the core R4 definitions; fails on any error.</summary>
    public static Resource Validated(string json)
    {
        var resource = JsonSerializer.Deserialize<Resource>(json, Json) ?? throw new InvalidOperationException("No resource.");
        var outcome = CoreValidator.Validate(resource);
        var errors = outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        Assert.True(errors.Count == 0, string.Join('\n', errors.Select(e => $"{e.Code}: {e.Details?.Text ?? e.Diagnostics} at {string.Join(',', e.Expression ?? [])}")));
        return resource;
    }
}
