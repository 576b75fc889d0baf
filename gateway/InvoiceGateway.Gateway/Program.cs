using InvoiceGateway.Gateway;
using InvoiceGateway.Gateway.Configuration;

if (args.Contains("--healthcheck"))
{
    // For container HEALTHCHECKs: the runtime image has no curl.
    return await ContainerHealthCheck.RunAsync();
}

var builder = WebApplication.CreateBuilder(args);
try
{
    await builder.AddInvoiceGatewayAsync();
}
catch (GatewayConfigurationException ex)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 1;
}

var app = builder.Build();
app.MapInvoiceGateway();
await app.RunAsync();
return 0;
