using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace InvoiceGateway.Gateway.WebConsole;

/// <summary>
/// The web console (<c>/</c>) and the connect page (<c>/connect</c>): static files from <c>wwwroot/</c> that call
/// only the public HTTP API. They are served before authentication runs, so they are public whatever the
/// fallback policy; every API call they make carries the key the user entered.
/// </summary>
internal static class ConsoleFiles
{
    /// <summary>
    /// Scripts, styles and API calls from this origin only; no inline script or style (a page that injects markup
    /// cannot run it), no framing, no plug-ins. The console's own icon is a file, so no <c>data:</c> either.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static WebApplication UseConsole(this WebApplication app)
    {
        var files = Locate(app.Environment);
        app.Use((context, next) =>
        {
            // The connect page's address is the one an app sends its end users to: /connect?token=...
            if (context.Request.Path.Equals("/connect", StringComparison.OrdinalIgnoreCase))
            {
                context.Request.Path = "/connect.html";
            }

            return next(context);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, DefaultFileNames = ["index.html"] });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = static file =>
            {
                var headers = file.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                // The connect page is opened with its token in the query: never hand that address to another site.
                headers["Referrer-Policy"] = "no-referrer";
                // Small files, always revalidated (ETag), so a new gateway version is picked up at once.
                headers.CacheControl = "no-cache";
            },
        });
        return app;
    }

    /// <summary>
    /// <c>wwwroot</c> under the content root (<c>dotnet run</c>, a published app), else the copy beside the assembly
    /// (a test host or a tool whose content root is elsewhere).
    /// </summary>
    private static IFileProvider Locate(IWebHostEnvironment environment)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var root = environment.WebRootPath is { } web && File.Exists(Path.Combine(web, "index.html")) ? web : beside;
        return new PhysicalFileProvider(root);
    }
}
