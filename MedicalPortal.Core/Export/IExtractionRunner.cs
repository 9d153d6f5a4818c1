namespace MedicalPortal.Core.Export;

/// <summary>The scheduled, incremental extraction of every study (what the scheduler and operators call).</summary>
public interface IExtractionRunner
{
    /// <summary>
    /// Extracts what changed in every study since its last completed run, under the catalog lease, so that of all the
    /// nodes ticking at the same moment exactly one does the work. Returns false when another node holds the lease.
    /// </summary>
    Task<bool> RunAllAsync(CancellationToken cancellationToken);
}
