namespace MedicalPortal.Core.Export;

/// <summary>The master key of research ids (<c>Export:PseudonymKey</c>), never stored in a database.</summary>
public interface IPseudonymKey
{
    byte[] Key { get; }
}
