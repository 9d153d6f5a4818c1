using System.Text.Json.Serialization;
using MedicalPortal.Core.Audit;

namespace MedicalPortal.Data.Audit;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<AuditChange>))]
[JsonSerializable(typeof(List<string?>))]
[JsonSerializable(typeof(List<Guid>))]
[JsonSerializable(typeof(AnchorFile))]
internal sealed partial class AuditJson : JsonSerializerContext;
