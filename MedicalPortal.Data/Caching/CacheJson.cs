using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MedicalPortal.Core.Patients;
using MedicalPortal.Core.Permissions;
using MedicalPortal.Core.Studies;
using MedicalPortal.Data.Accounts;
using MedicalPortal.Data.Identity;
using MedicalPortal.Data.Visits;

namespace MedicalPortal.Data.Caching;

/// <summary>How cached values travel through Redis: DTOs only, never entities, serialized without reflection.</summary>
[JsonSourceGenerationOptions(Converters = [typeof(PermissionMatrixJsonConverter)])]
[JsonSerializable(typeof(PatientDto))]
[JsonSerializable(typeof(CachedVisits))]
[JsonSerializable(typeof(StudyDto))]
[JsonSerializable(typeof(IReadOnlyList<StudyDto>))]
[JsonSerializable(typeof(PermissionMatrix))]
[JsonSerializable(typeof(AccountStatus))]
[JsonSerializable(typeof(ApiSessionState))]
internal sealed partial class CacheJson : JsonSerializerContext
{
    public static JsonTypeInfo<T> TypeInfo<T>() =>
        Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered for caching in {nameof(CacheJson)}.");
}

/// <summary>The matrix as <c>{ role: { resource: operations } }</c>.</summary>
internal sealed class PermissionMatrixJsonConverter : JsonConverter<PermissionMatrix>
{
    public override PermissionMatrix Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var grants = new Dictionary<string, IReadOnlyDictionary<Resource, Operations>>(StringComparer.OrdinalIgnoreCase);
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var role = reader.GetString()!;
            reader.Read();
            Expect(ref reader, JsonTokenType.StartObject);
            var byResource = new Dictionary<Resource, Operations>();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var resource = Enum.Parse<Resource>(reader.GetString()!);
                reader.Read();
                byResource[resource] = (Operations)reader.GetInt32();
            }

            grants[role] = byResource;
        }

        return new PermissionMatrix(grants);
    }

    public override void Write(Utf8JsonWriter writer, PermissionMatrix value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var role in value.Roles)
        {
            writer.WriteStartObject(role);
            foreach (var resource in Enum.GetValues<Resource>())
            {
                if (value.Granted(role, resource) is var operations and not Operations.None)
                {
                    writer.WriteNumber(resource.ToString(), (int)operations);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"Expected {token} in a cached permission matrix.");
        }
    }
}
