using System.ComponentModel.DataAnnotations;
using System.Net;

namespace MedicalPortal.Web.Hosting;

/// <summary>
/// <c>Proxy</c> configuration: the load balancers or reverse proxies whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> the portal believes. A request from anywhere else keeps its own address and scheme, so a
/// client cannot claim to be someone else or to have come over HTTPS. With neither list set, only the node's own
/// loopback is believed (a proxy on the same machine).
/// </summary>
public sealed class ProxyOptions : IValidatableObject
{
    public const string SectionName = "Proxy";

    /// <summary>Addresses of the proxies, such as <c>10.0.1.10</c>.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks the proxies live in, in CIDR notation, such as <c>10.0.0.0/24</c> (an AWS balancer's subnets).</summary>
    public IList<string> KnownNetworks { get; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"{SectionName}:KnownProxies: '{proxy}' is not an IP address.", [nameof(KnownProxies)]);
        }

        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult(
                $"{SectionName}:KnownNetworks: '{network}' is not a network in CIDR notation such as 10.0.0.0/24.", [nameof(KnownNetworks)]);
        }
    }
}
