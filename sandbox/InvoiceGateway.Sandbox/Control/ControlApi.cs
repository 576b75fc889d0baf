using System.Text.Json;
using System.Text.Json.Serialization;
using InvoiceGateway.Sandbox.Serving;

namespace InvoiceGateway.Sandbox.Control;

/// <summary>
/// The sandbox's own endpoints under <c>_sandbox/</c>, for out-of-process control: faults, request
/// counts, health, and changes to the data at run time. Never faulted, never counted.
/// </summary>
internal static class ControlApi
{
    public static void Map(IEndpointRouteBuilder group, SandboxRoute route, SandboxRuntime runtime)
    {
        var control = group.MapGroup("_sandbox");
        control.MapGet("health", context => Health(context, route, runtime).WriteAsync(context)).WithName("sandbox-health");
        control.MapGet("faults", context => AllFaults(runtime).WriteAsync(context)).WithName("sandbox-faults");
        control.MapPut("faults/{api}", context => SetFaultAsync(context, runtime)).WithName("sandbox-set-fault");
        control.MapDelete("faults/{api}", context => ClearFault(context, runtime).WriteAsync(context)).WithName("sandbox-clear-fault");
        control.MapDelete("faults", context =>
        {
            runtime.Faults.ClearAll();
            return Reply.Empty(StatusCodes.Status204NoContent).WriteAsync(context);
        }).WithName("sandbox-clear-faults");
        control.MapGet("requests", context => Requests(runtime).WriteAsync(context)).WithName("sandbox-requests");

        // Data changed at run time (for the gateway's sync tests): ?list= names one of an API's lists (a GoScore consent).
        control.MapPatch("data/{api}/invoices/{id}", context => ChangeAsync(context, runtime, DataChange.Patch)).WithName("sandbox-change-invoice");
        control.MapPost("data/{api}/invoices", context => ChangeAsync(context, runtime, DataChange.Add)).WithName("sandbox-add-invoice");
        control.MapDelete("data/{api}/invoices/{id}", context => ChangeAsync(context, runtime, DataChange.Remove)).WithName("sandbox-remove-invoice");
        control.MapDelete("requests", context =>
        {
            runtime.Requests.Reset();
            return Reply.Empty(StatusCodes.Status204NoContent).WriteAsync(context);
        }).WithName("sandbox-reset-requests");
    }

    private static Reply Health(HttpContext context, SandboxRoute route, SandboxRuntime runtime) =>
        Reply.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("status", "ok");
            writer.WriteNumber("invoicesPerSource", runtime.Options.InvoicesPerSource);
            writer.WriteNumber("seed", runtime.Options.Seed);
            writer.WriteDate("today", runtime.Options.Today);
            writer.WriteStartObject("apis");
            foreach (var name in SandboxApis.Names)
            {
                writer.WriteString(name, route.UrlOf(context.Request, SandboxApis.RelativeBaseUrl(name)));
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        });

    private static Reply AllFaults(SandboxRuntime runtime) =>
        Reply.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            foreach (var name in SandboxApis.Names)
            {
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, runtime.Faults.Get(name), ControlJson.Default.SandboxFault);
            }

            writer.WriteEndObject();
        });

    private static Reply Requests(SandboxRuntime runtime) =>
        Reply.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            foreach (var (name, count) in runtime.Requests.Snapshot())
            {
                writer.WriteNumber(name, count);
            }

            writer.WriteEndObject();
        });

    private static async Task SetFaultAsync(HttpContext context, SandboxRuntime runtime)
    {
        if (!SandboxApis.TryIndexOf((string?)context.Request.RouteValues["api"], out var index))
        {
            await UnknownApi().WriteAsync(context);
            return;
        }

        SandboxFault? fault;
        try
        {
            fault = await JsonSerializer.DeserializeAsync(context.Request.Body, ControlJson.Default.SandboxFault, context.RequestAborted);
        }
        catch (JsonException exception)
        {
            await Problem(StatusCodes.Status400BadRequest, $"Invalid fault body: {exception.Message}").WriteAsync(context);
            return;
        }

        if (fault is null)
        {
            await Problem(StatusCodes.Status400BadRequest, "A fault object is required.").WriteAsync(context);
            return;
        }

        var problems = SandboxFaults.Validate(fault);
        if (problems.Count > 0)
        {
            await Problem(StatusCodes.Status400BadRequest, string.Join(" ", problems)).WriteAsync(context);
            return;
        }

        var api = SandboxApis.Names[index];
        runtime.Faults.Set(api, fault);
        await Reply.Json(
            StatusCodes.Status200OK,
            JsonSerializer.SerializeToUtf8Bytes(runtime.Faults.Get(api), ControlJson.Default.SandboxFault)).WriteAsync(context);
    }

    private static Reply ClearFault(HttpContext context, SandboxRuntime runtime)
    {
        if (!SandboxApis.TryIndexOf((string?)context.Request.RouteValues["api"], out var index))
        {
            return UnknownApi();
        }

        runtime.Faults.Clear(SandboxApis.Names[index]);
        return Reply.Empty(StatusCodes.Status204NoContent);
    }

    /// <summary>
    /// Changes an API's data: PATCH merges a JSON object into the invoice in the API's own field names (RFC 7396, e.g.
    /// GoScore <c>{"status":"PROCESSED","paid":true,"amount":99.5}</c>), POST adds one (the given fields over a copy of
    /// the first invoice; the id field is required and new), DELETE removes one.
    /// </summary>
    private static async Task ChangeAsync(HttpContext context, SandboxRuntime runtime, DataChange change)
    {
        if (!SandboxApis.TryIndexOf((string?)context.Request.RouteValues["api"], out var index))
        {
            await UnknownApi().WriteAsync(context);
            return;
        }

        var api = runtime.Apis[index];
        var list = context.Request.Query["list"].FirstOrDefault();
        if (api.Data(list) is not { } data)
        {
            await Problem(StatusCodes.Status404NotFound, list is null
                ? $"The {api.Name} sandbox does not model data changes."
                : $"The {api.Name} sandbox has no list '{list}'.").WriteAsync(context);
            return;
        }

        var id = (string?)context.Request.RouteValues["id"] ?? string.Empty;
        if (change == DataChange.Remove)
        {
            await (data.Remove(id) ? Reply.Empty(StatusCodes.Status204NoContent) : NoInvoice(api, id)).WriteAsync(context);
            return;
        }

        System.Text.Json.Nodes.JsonObject? body;
        try
        {
            body = (await System.Text.Json.Nodes.JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)) as System.Text.Json.Nodes.JsonObject;
        }
        catch (JsonException exception)
        {
            await Problem(StatusCodes.Status400BadRequest, $"Invalid body: {exception.Message}").WriteAsync(context);
            return;
        }

        if (body is null)
        {
            await Problem(StatusCodes.Status400BadRequest, "The body must be a JSON object of the API's invoice fields.").WriteAsync(context);
            return;
        }

        var changed = change == DataChange.Patch ? data.Patch(id, body) : data.Add(body);
        var reply = changed is not null
            ? Reply.Json(change == DataChange.Add ? StatusCodes.Status201Created : StatusCodes.Status200OK, System.Text.Encoding.UTF8.GetBytes(changed.ToJsonString()))
            : change == DataChange.Patch ? NoInvoice(api, id)
            : Problem(StatusCodes.Status409Conflict, $"An invoice to add needs an id (a string or number) that {api.Name} does not have yet.");
        await reply.WriteAsync(context);
    }

    private static Reply NoInvoice(UpstreamApi api, string id) =>
        Problem(StatusCodes.Status404NotFound, $"The {api.Name} sandbox has no invoice '{id}'.");

    private enum DataChange
    {
        Patch,
        Add,
        Remove,
    }

    private static Reply UnknownApi() =>
        Problem(StatusCodes.Status404NotFound, $"Unknown api; expected one of {string.Join(", ", SandboxApis.Names)}.");

    private static Reply Problem(int status, string message) =>
        Reply.Json(status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("status", status);
            writer.WriteString("error", message);
            writer.WriteEndObject();
        });
}

/// <summary>The fault API's JSON: camelCase, unknown properties rejected (a typo must not pass silently).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SandboxFault))]
internal sealed partial class ControlJson : JsonSerializerContext;
