namespace InvoiceGateway.Sandbox.Serving;

/// <summary>Where the sandbox is mapped (its prefix), to build the URLs it hands out: Link headers, item URLs.</summary>
internal sealed class SandboxRoute
{
    public SandboxRoute(string prefix)
    {
        var trimmed = (prefix ?? "").Trim().Trim('/');
        Prefix = trimmed.Length == 0 ? "" : "/" + trimmed;
    }

    /// <summary>Empty, or a path starting with a slash and without trailing slash, e.g. <c>/sandbox</c>.</summary>
    public string Prefix { get; }

    /// <summary>The path (from the host's root) of <paramref name="relative"/>, e.g. <c>/sandbox/sendregning/invoices/</c>.</summary>
    public string PathOf(HttpRequest request, string relative) => $"{request.PathBase}{Prefix}/{relative}";

    /// <summary>The absolute URL of <paramref name="relative"/> as the client reached the sandbox.</summary>
    public string UrlOf(HttpRequest request, string relative) => $"{request.Scheme}://{request.Host}{PathOf(request, relative)}";
}
