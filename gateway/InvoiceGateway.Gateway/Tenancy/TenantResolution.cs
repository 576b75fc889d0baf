using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Security;

namespace InvoiceGateway.Gateway.Tenancy;

/// <summary>
/// Resolves the request's tenant once, from the authenticated caller, into <see cref="TenantContext"/>:
/// a tenant key acts for its own tenant; an app key for the tenant named by <c>X-Tenant-Id</c>; any
/// other key (and an app key without the header) for the default tenant. Naming another tenant with a
/// tenant key, or any tenant with a key that is not an app key, is refused.
/// </summary>
internal sealed class TenantResolution(RequestDelegate next)
{
    public const string HeaderName = "X-Tenant-Id";

    public Task InvokeAsync(HttpContext context, TenantContext tenant)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return next(context); // authorization answers 401 where a caller is needed
        }

        var own = context.User.TenantOfKey();
        var named = context.Request.Headers[HeaderName];
        if (named.Count == 0)
        {
            // A new request's context is the default tenant already: no id to check against the pattern per request.
            if (own is not null)
            {
                tenant.Set(own);
            }

            return next(context);
        }

        if (named.Count > 1 || !TenantContext.IsValidId(named[0]))
        {
            return Problems.BadRequest(new Dictionary<string, string[]>
            {
                [HeaderName] = [$"Send one {HeaderName} header: a tenant id of 1-64 characters of a-z, 0-9 and '-', starting with a letter or digit."],
            }).ExecuteAsync(context);
        }

        var id = named[0]!;
        if (own is not null ? id != own : !context.User.IsInRole(GatewayRoles.App))
        {
            return Problems.Status(StatusCodes.Status403Forbidden, "Forbidden.",
                own is not null
                    ? $"A tenant key acts for its own tenant only; leave out {HeaderName}."
                    : $"Only an app key may act for a tenant through {HeaderName}.").ExecuteAsync(context);
        }

        tenant.Set(id);
        return next(context);
    }
}
