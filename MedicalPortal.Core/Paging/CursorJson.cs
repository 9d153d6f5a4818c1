using System.Text.Json.Serialization;

namespace MedicalPortal.Core.Paging;

[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class CursorJson : JsonSerializerContext;
