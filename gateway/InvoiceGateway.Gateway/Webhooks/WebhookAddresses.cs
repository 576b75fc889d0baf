using System.Net;
using System.Net.Sockets;

namespace InvoiceGateway.Gateway.Webhooks;

/// <summary>
/// Where a webhook may point (OWASP API7, server-side request forgery): an absolute https URL whose host
/// resolves only to public addresses. Checked when a webhook is registered or changed, and again when
/// each attempt connects (DNS can change in between), unless <c>Gateway:Webhooks:AllowInsecure</c>.
/// </summary>
internal static class WebhookAddresses
{
    /// <summary>Addresses a webhook must never reach: this host, private networks, link-local (cloud metadata), reserved.</summary>
    private static readonly IPNetwork[] NotPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), // link-local, 169.254.169.254 is the cloud metadata service
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"),
        IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("100::/64"),
        IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("fc00::/7"), // unique local, fd00:ec2::254 is a cloud metadata service
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    /// <summary>IPv6 forms that carry an IPv4 address: checked as that address.</summary>
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(address))
        {
            address = new IPAddress(address.GetAddressBytes()[12..]);
        }

        foreach (var network in NotPublic)
        {
            if (network.Contains(address))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The URL's shape: <c>null</c> when acceptable, else why not. No DNS.</summary>
    public static string? CheckShape(string text, bool allowInsecure, out Uri? url)
    {
        url = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http"))
        {
            return "url must be an absolute https URL.";
        }

        if (parsed.Scheme != "https" && !allowInsecure)
        {
            return "url must use https (http is allowed only with Gateway:Webhooks:AllowInsecure).";
        }

        if (parsed.UserInfo.Length > 0 || parsed.Fragment.Length > 0)
        {
            return "url must not hold credentials or a fragment.";
        }

        url = parsed;
        return null;
    }

    /// <summary>
    /// Resolves the URL's host and checks every address it gives: <c>null</c> when all are public (or
    /// insecure addresses are allowed), else why the URL is refused.
    /// </summary>
    public static async Task<string?> CheckAsync(Uri url, bool allowInsecure, CancellationToken cancellationToken)
    {
        if (allowInsecure)
        {
            return null;
        }

        try
        {
            var addresses = await ResolveAsync(url.IdnHost, cancellationToken).ConfigureAwait(false);
            return Refusal(url.IdnHost, addresses);
        }
        catch (SocketException)
        {
            return $"url's host '{url.Host}' does not resolve.";
        }
    }

    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);

    /// <summary>Why <paramref name="addresses"/> may not be reached; <c>null</c> when every one is public.</summary>
    public static string? Refusal(string host, IReadOnlyList<IPAddress> addresses)
    {
        if (addresses.Count == 0)
        {
            return $"url's host '{host}' does not resolve.";
        }

        var blocked = addresses.FirstOrDefault(a => !IsPublic(a));
        return blocked is null
            ? null
            : IPAddress.TryParse(host, out _)
                ? $"url's address {blocked} is not a public address (loopback, private, link-local and reserved addresses are refused)."
                : $"url's host '{host}' resolves to {blocked}, which is not a public address (loopback, private, link-local and reserved addresses are refused).";
    }
}
