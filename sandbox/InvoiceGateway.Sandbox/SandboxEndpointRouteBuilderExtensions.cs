using InvoiceGateway.Sandbox.Control;
using InvoiceGateway.Sandbox.Serving;

namespace InvoiceGateway.Sandbox;

/// <summary>Maps the five simulated APIs and the <c>_sandbox</c> control endpoints.</summary>
public static class SandboxEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every API under <paramref name="prefix"/>: e.g. with prefix <c>/sandbox</c> GoScore's root is
    /// <c>/sandbox/goscore/api/1.0</c> (see <see cref="SandboxApis.RelativeBaseUrl"/>) and the control API is
    /// <c>/sandbox/_sandbox/...</c>. Requires <see cref="SandboxServiceCollectionExtensions.AddSandbox"/>;
    /// generates the data now if it was not yet.
    /// </summary>
    /// <param name="endpoints">The host's endpoints.</param>
    /// <param name="prefix">The path every sandbox route starts with; empty for the root.</param>
    /// <returns>The route group, to add conventions (e.g. <c>AllowAnonymous</c>, rate-limit exemptions).</returns>
    public static IEndpointConventionBuilder MapSandbox(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var runtime = endpoints.ServiceProvider.GetService<SandboxRuntime>()
            ?? throw new InvalidOperationException("Call services.AddSandbox(options) before endpoints.MapSandbox().");
        var route = new SandboxRoute(prefix);
        var group = endpoints.MapGroup(route.Prefix);
        foreach (var api in runtime.Apis)
        {
            api.Map(group, route, runtime);
        }

        ControlApi.Map(group, route, runtime);
        return group;
    }
}
