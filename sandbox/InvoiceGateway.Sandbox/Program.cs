using InvoiceGateway.Sandbox;

var builder = WebApplication.CreateSlimBuilder(args);
if (new[] { "urls", "http_ports", "https_ports" }.All(key => string.IsNullOrEmpty(builder.Configuration[key])))
{
    builder.WebHost.UseUrls("http://0.0.0.0:5080");
}

builder.Services.AddSandbox(builder.Configuration.GetSection("Sandbox").Get<SandboxOptions>() ?? new SandboxOptions());
var app = builder.Build();
app.MapSandbox();
app.Lifetime.ApplicationStarted.Register(() => SandboxStartupLog.LogBaseUrls(app));
app.Run();
