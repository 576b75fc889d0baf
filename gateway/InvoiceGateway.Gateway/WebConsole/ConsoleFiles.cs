using System.Collections.Frozen;
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
        // Only paths that can be a console file go to the file system: the static file middlewares look each path up
        // there (a stat or two per request), which on the API's paths (/v1/...) was a measurable share of a cached
        // request (bench/results/hotpath-profile.md). The console's top-level names are fixed when the gateway starts.
        var topLevel = files.GetDirectoryContents(string.Empty).Select(f => f.Name).ToFrozenSet(StringComparer.OrdinalIgnoreCase)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        app.UseWhen(context => MayBeConsoleFile(context.Request.Path, topLevel), console => console
            .UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, DefaultFileNames = ["index.html"] })
            .UseStaticFiles(StaticFiles(files)));
        return app;
    }

    /// <summary><c>/</c>, or a path whose first segment is a file or folder of <c>wwwroot</c>.</summary>
    private static bool MayBeConsoleFile(PathString path, FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> topLevel)
    {
        var value = path.Value;
        if (string.IsNullOrEmpty(value) || value == "/")
        {
            return true;
        }

        var rest = value.AsSpan(1);
        var end = rest.IndexOf('/');
        var first = end < 0 ? rest : rest[..end];
        return topLevel.Contains(first);
    }

    private static StaticFileOptions StaticFiles(IFileProvider files) =>
        new()
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
        };

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
