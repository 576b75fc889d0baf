// The bare limit the gateway is measured against: Kestrel, no middleware, no routing, no logging;
// each path answers fixed bytes read once at start (bodies captured from the gateway by bench/run.sh).
//
//   dotnet InvoiceGateway.Baseline.dll --urls http://127.0.0.1:5151 \
//       --body /v1/invoices/sendregning:123=detail.json --body /v1/invoices=list.json
var urls = "http://127.0.0.1:5151";
var bodies = new Dictionary<string, byte[]>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--urls":
            urls = args[i + 1];
            break;
        case "--body" when args[i + 1].Split('=', 2) is [var path, var file]:
            bodies[path] = File.ReadAllBytes(file);
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]} (expected --urls URL, --body PATH=FILE)");
            return 2;
    }
}

var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var app = builder.Build();
app.Urls.Add(urls);
app.Run(context =>
{
    var response = context.Response;
    if (!bodies.TryGetValue(context.Request.Path.Value ?? string.Empty, out var body))
    {
        response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    response.ContentType = "application/json";
    response.ContentLength = body.Length;
    return response.Body.WriteAsync(body, 0, body.Length);
});
await app.StartAsync();
Console.WriteLine($"baseline: serving {bodies.Count} bodies on {urls}");
await app.WaitForShutdownAsync();
return 0;
