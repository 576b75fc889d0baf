using System.Security.Cryptography;
using System.Text.Json;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Storage;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Tenancy;

/// <summary>
/// <c>/v1/tenants/{tenant}/keys</c> (app keys): keys that act for one tenant only. The key is shown once,
/// when issued; the database keeps its SHA-256. Each request works in a scope of the tenant named by the
/// path, so the query filter holds every read and write to that tenant.
/// </summary>
internal static class TenantKeysApi
{
    public static RouteGroupBuilder MapTenantKeysApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/tenants/{tenant}/keys").WithTags("Tenants");
        group.MapPost("/", Issue).WithName("IssueTenantKey")
            .WithSummary("App: issues a key for the tenant; the key is in this answer only.")
            .Produces<IssuedKeyDocument>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/", List).WithName("ListTenantKeys").WithSummary("App: the tenant's keys (ids and names, never the keys).")
            .Produces<TenantKeyDocument[]>();
        group.MapDelete("/{id}", Revoke).WithName("RevokeTenantKey").WithSummary("App: revokes a tenant key, at once in every replica.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    internal static async Task<IResult> Issue(string tenant, HttpContext http, IServiceScopeFactory scopes, TenantChanges changes, TimeProvider time)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckTenant(tenant, errors);
        var name = await ReadNameAsync(http.Request, errors).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        using var scope = ScopeOf(scopes, tenant);
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        var (key, hash) = TenantKeyDirectory.Issue();
        var record = new TenantKeyRecord
        {
            Id = "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Name = name ?? "key",
            Hash = hash,
            CreatedAt = time.GetUtcNow(),
        };
        db.TenantKeys.Add(record);
        if (await DatabaseWrites.SaveAsync(db, http.RequestAborted).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        await changes.PublishAsync(TenantChange.Keys(tenant), http.RequestAborted).ConfigureAwait(false);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created($"/v1/tenants/{tenant}/keys/{record.Id}", new IssuedKeyDocument(record.Id, tenant, record.Name, key, record.CreatedAt));
    }

    internal static async Task<IResult> List(string tenant, IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckTenant(tenant, errors);
        if (errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        using var scope = ScopeOf(scopes, tenant);
        var keys = await scope.ServiceProvider.GetRequiredService<GatewayDb>().TenantKeys.AsNoTracking()
            .Select(k => new TenantKeyDocument(k.Id, k.Name, k.CreatedAt))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToArray());
    }

    internal static async Task<IResult> Revoke(string tenant, string id, IServiceScopeFactory scopes, TenantChanges changes, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        CheckTenant(tenant, errors);
        if (errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        using var scope = ScopeOf(scopes, tenant);
        var db = scope.ServiceProvider.GetRequiredService<GatewayDb>();
        var record = await db.TenantKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return Problems.NotFound($"There is no key '{(id.Length > 64 ? id[..64] : id)}'.");
        }

        db.TenantKeys.Remove(record);
        if (await DatabaseWrites.SaveAsync(db, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        await changes.PublishAsync(TenantChange.Keys(tenant), cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static IServiceScope ScopeOf(IServiceScopeFactory scopes, string tenant)
    {
        var scope = scopes.CreateScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        return scope;
    }

    private static void CheckTenant(string tenant, Dictionary<string, string[]> errors)
    {
        if (!TenantContext.IsValidId(tenant))
        {
            errors["tenant"] = ["A tenant id is 1-64 characters of a-z, 0-9 and '-', starting with a letter or digit."];
        }
    }

    private static async Task<string?> ReadNameAsync(HttpRequest request, Dictionary<string, string[]> errors)
    {
        if (request.ContentLength is 0 || (request.ContentLength is null && !request.Headers.ContainsKey("Transfer-Encoding")))
        {
            return null;
        }

        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted).ConfigureAwait(false);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = ["The body must be a JSON object such as {\"name\": \"backend\"}."];
                return null;
            }

            string? name = null;
            foreach (var property in body.RootElement.EnumerateObject())
            {
                if (property.Name != "name")
                {
                    errors[property.Name.Length > 64 ? property.Name[..64] : property.Name] = ["Not a field of a tenant key (known: name)."];
                }
                else if (property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 and <= 100 } text
                         && !text.Any(char.IsControl))
                {
                    name = text;
                }
                else
                {
                    errors["name"] = ["name must be a string of 1-100 printable characters."];
                }
            }

            return name;
        }
        catch (JsonException)
        {
            errors["body"] = ["The body must be a JSON object such as {\"name\": \"backend\"}."];
            return null;
        }
    }
}

internal sealed record IssuedKeyDocument(string Id, string Tenant, string Name, string Key, DateTimeOffset CreatedAt);

internal sealed record TenantKeyDocument(string Id, string Name, DateTimeOffset CreatedAt);
