using System.Security.Cryptography;
using InvoiceGateway.Caching;
using InvoiceGateway.Gateway.Aggregation;
using InvoiceGateway.Gateway.Apis;
using InvoiceGateway.Gateway.Configuration;
using InvoiceGateway.Gateway.Sources;
using InvoiceGateway.Gateway.Storage;
using InvoiceGateway.Gateway.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace InvoiceGateway.Gateway.Connections;

/// <summary>
/// <c>/v1/connections</c>: a tenant's connections of connectable source definitions. Every query goes
/// through <see cref="GatewayDb"/>, whose filter holds it to the request's tenant: another tenant's
/// connection is not found, exactly like one that never existed.
/// </summary>
internal static class ConnectionsApi
{
    public static RouteGroupBuilder MapConnectionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/connections").WithTags("Connections");
        group.MapPost("/", Create).WithName("CreateConnection")
            .WithSummary("Connects a source for the caller's tenant; reads it once and reports refused credentials (?verify=strict: 422, nothing stored).")
            .Produces<ConnectionDocument>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", List).WithName("ListConnections").WithSummary("The caller's tenant's connections (never their credentials).")
            .Produces<ConnectionDocument[]>();
        group.MapGet("/{id}", Get).WithName("GetConnection").WithSummary("One connection.")
            .Produces<ConnectionDocument>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", Update).WithName("UpdateConnection")
            .WithSummary("Changes a connection's name, options, credentials, cache or owner; changed options or credentials are checked again.")
            .Produces<ConnectionDocument>().ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapDelete("/{id}", Delete).WithName("DeleteConnection").WithSummary("Deletes a connection; it stops being served at once in every replica.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/v1/sources/definitions", Definitions).WithTags("Connections").WithName("ListSourceDefinitions")
            .WithSummary("The connectable source definitions and the fields a connection of each must give (for a connect page).")
            .Produces<DefinitionDocument[]>();
        return group;
    }

    internal static DefinitionDocument[] Definitions(ConnectionDefinitions definitions) =>
        definitions.All.Select(d => new DefinitionDocument(
            d.Name,
            d.Plan.Adapter.Name,
            (d.Plan.Settings.Auth.Type ?? d.Plan.AdapterAuth?.Type ?? "none").ToLowerInvariant(),
            d.Plan.NeededCredentials,
            d.Plan.NeededOptions,
            d.Plan.Settings.RequestsPerSecond)).ToArray();

    internal static Task<IResult> Create(HttpContext http, [AsParameters] ConnectionServices services) => CreateFor(http, services, allowedSources: null);

    /// <summary>Creates a connection; <paramref name="allowedSources"/> (a connect link's) limits the definitions it may be of.</summary>
    internal static async Task<IResult> CreateFor(HttpContext http, ConnectionServices services, IReadOnlyList<string>? allowedSources)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var strict = ReadVerify(http.Request.Query, errors);
        var input = await ConnectionInput.ReadAsync(http.Request, errors).ConfigureAwait(false);
        if (input is null)
        {
            return Problems.BadRequest(errors);
        }

        if (input.Name is null && !errors.ContainsKey("name"))
        {
            ConnectionInput.Add(errors, "name", "name is required.");
        }

        if (allowedSources is not null && input.Source is { } asked && !allowedSources.Contains(asked, StringComparer.Ordinal))
        {
            ConnectionInput.Add(errors, "source", $"The connect link allows these sources only: {Names(allowedSources)}.");
        }

        var definition = FindDefinition(input.Source, services, errors, required: true);
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var credentials = new Dictionary<string, string>(StringComparer.Ordinal);
        if (definition is not null)
        {
            Merge(definition, options, credentials, input, errors);
        }

        var db = services.Db;
        if (input.Name is { } name && !errors.ContainsKey("name") && await NameTakenAsync(services, name, exceptId: null, http.RequestAborted).ConfigureAwait(false))
        {
            ConnectionInput.Add(errors, "name", $"The tenant already has a source named '{name}'.");
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        if (await db.Connections.CountAsync(http.RequestAborted).ConfigureAwait(false) >= services.Settings.Tenants.MaxConnections)
        {
            return Problems.Status(StatusCodes.Status409Conflict, "Too many connections.",
                $"A tenant may have {services.Settings.Tenants.MaxConnections} connections (Gateway:Tenants:MaxConnections); delete one first.");
        }

        var id = "con_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var runtime = services.Runtimes.Build(definition!, services.Tenant.Id, id, input.Name!, options, credentials, input.Ttl, input.Owner);
        var check = await CheckAsync(runtime, services, http.RequestAborted).ConfigureAwait(false);
        if (strict && check.Error is not null)
        {
            return Refused(runtime.Name, check.Error);
        }

        var now = services.Time.GetUtcNow();
        var record = new ConnectionRecord
        {
            Id = id,
            Name = input.Name!,
            Source = definition!.Name,
            Options = ConnectionRuntimes.SerializeOptions(options),
            Credentials = services.Runtimes.Protect(credentials),
            CacheTtl = input.Ttl,
            Owner = ConnectionRuntimes.SerializeOwner(input.Owner),
            State = check.State,
            CheckedAt = check.CheckedAt,
            Error = check.Error?.Message,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Connections.Add(record);
        if (await SaveAsync(services, http.RequestAborted).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        return TypedResults.Created($"/v1/connections/{id}", ConnectionDocument.Of(record));
    }

    internal static async Task<IResult> List([AsParameters] ConnectionServices services, CancellationToken cancellationToken)
    {
        var records = await services.Db.Connections.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(records.OrderBy(r => r.Name, StringComparer.Ordinal).Select(ConnectionDocument.Of).ToArray());
    }

    internal static async Task<IResult> Get(string id, [AsParameters] ConnectionServices services, CancellationToken cancellationToken) =>
        await services.Db.Connections.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false) is { } record
            ? TypedResults.Ok(ConnectionDocument.Of(record))
            : NotFound(id);

    internal static async Task<IResult> Update(string id, HttpContext http, [AsParameters] ConnectionServices services)
    {
        var record = await services.Db.Connections.FirstOrDefaultAsync(c => c.Id == id, http.RequestAborted).ConfigureAwait(false);
        if (record is null)
        {
            return NotFound(id);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var strict = ReadVerify(http.Request.Query, errors);
        var input = await ConnectionInput.ReadAsync(http.Request, errors).ConfigureAwait(false);
        if (input is null)
        {
            return Problems.BadRequest(errors);
        }

        if (input.Source is not null && input.Source != record.Source)
        {
            ConnectionInput.Add(errors, "source", "A connection's source cannot be changed; create another connection.");
        }

        var definition = FindDefinition(record.Source, services, errors, required: true);
        var options = ConnectionRuntimes.DeserializeOptions(record.Options);
        var credentials = services.Runtimes.Unprotect(record.Credentials);
        var recheck = input.Options is not null || input.Credentials is not null;
        if (definition is not null)
        {
            Merge(definition, options, credentials, input, errors);
        }

        if (input.Name is { } name && name != record.Name && !errors.ContainsKey("name")
            && await NameTakenAsync(services, name, record.Id, http.RequestAborted).ConfigureAwait(false))
        {
            ConnectionInput.Add(errors, "name", $"The tenant already has a source named '{name}'.");
        }

        if (errors.Count > 0)
        {
            return Problems.BadRequest(errors);
        }

        var newName = input.Name ?? record.Name;
        var ttl = input.HasTtl ? input.Ttl : record.CacheTtl;
        var owner = input.HasOwner ? ConnectionRuntimes.SerializeOwner(input.Owner) : record.Owner;
        if (recheck)
        {
            var runtime = services.Runtimes.Build(definition!, record.TenantId, record.Id, newName, options, credentials, ttl, ConnectionRuntimes.DeserializeOwner(owner));
            var check = await CheckAsync(runtime, services, http.RequestAborted).ConfigureAwait(false);
            if (strict && check.Error is not null)
            {
                return Refused(newName, check.Error);
            }

            record.State = check.State;
            record.CheckedAt = check.CheckedAt;
            record.Error = check.Error?.Message;
        }

        record.Name = newName;
        record.Options = ConnectionRuntimes.SerializeOptions(options);
        record.Credentials = services.Runtimes.Protect(credentials);
        record.CacheTtl = ttl;
        record.Owner = owner;
        record.UpdatedAt = services.Time.GetUtcNow();
        if (await SaveAsync(services, http.RequestAborted).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        return TypedResults.Ok(ConnectionDocument.Of(record));
    }

    internal static async Task<IResult> Delete(string id, [AsParameters] ConnectionServices services, CancellationToken cancellationToken)
    {
        var record = await services.Db.Connections.FirstOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return NotFound(id);
        }

        services.Db.Connections.Remove(record);
        if (await SaveAsync(services, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            return failure;
        }

        await services.Cache.RemoveByTagAsync(CacheEntry.SourceTag("con:" + id), cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    /// <summary>The one answer for a connection that is missing or another tenant's.</summary>
    private static IResult NotFound(string id) =>
        Problems.NotFound($"There is no connection '{(id.Length > 64 ? id[..64] : id)}'.");

    private static IResult Refused(string name, SourceError error) =>
        Problems.Status(StatusCodes.Status422UnprocessableEntity, "The source refused the connection.", error.Message,
            new Dictionary<string, object?> { ["source"] = name, ["code"] = error.Code });

    private static bool ReadVerify(IQueryCollection query, Dictionary<string, string[]> errors)
    {
        foreach (var (key, values) in query)
        {
            if (key != "verify")
            {
                ConnectionInput.Add(errors, key.Length > 64 ? key[..64] : key, "Not a parameter of this endpoint (known: verify).");
            }
            else if (values.Count != 1 || values[0] is not ("strict" or "report"))
            {
                ConnectionInput.Add(errors, "verify", "verify is 'strict' (refused credentials: 422, nothing stored) or 'report' (the default).");
            }
        }

        return query.TryGetValue("verify", out var verify) && verify == "strict";
    }

    private static ConnectionDefinition? FindDefinition(string? source, ConnectionServices services, Dictionary<string, string[]> errors, bool required)
    {
        if (source is null)
        {
            if (required && !errors.ContainsKey("source"))
            {
                ConnectionInput.Add(errors, "source", "source is required: the name of a connectable source definition.");
            }

            return null;
        }

        if (services.Definitions.Find(source) is { } definition)
        {
            return definition;
        }

        var known = string.Join(", ", services.Definitions.All.Select(d => d.Name));
        ConnectionInput.Add(errors, "source",
            $"'{(source.Length > 64 ? source[..64] : source)}' is not a connectable source definition (connectable: {(known.Length == 0 ? "none" : known)}).");
        return null;
    }

    /// <summary>
    /// Applies the input's options and credentials to the connection's, and checks the result: exactly the
    /// fields the definition leaves to connections, each present, and options the adapter accepts.
    /// </summary>
    private static void Merge(
        ConnectionDefinition definition,
        Dictionary<string, string> options,
        Dictionary<string, string> credentials,
        ConnectionInput input,
        Dictionary<string, string[]> errors)
    {
        var plan = definition.Plan;
        foreach (var (key, value) in input.Options ?? [])
        {
            var known = plan.NeededOptions.FirstOrDefault(o => string.Equals(o, key, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                ConnectionInput.Add(errors, "options." + Short(key),
                    $"'{Short(key)}' is not an option a connection of '{definition.Name}' sets (options: {Names(plan.NeededOptions)}).");
            }
            else if (value is null)
            {
                options.Remove(known);
            }
            else
            {
                options[known] = value;
            }
        }

        foreach (var (key, value) in input.Credentials ?? [])
        {
            var known = plan.NeededCredentials.FirstOrDefault(c => string.Equals(c, key, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                ConnectionInput.Add(errors, "credentials." + Short(key),
                    $"'{Short(key)}' is not a credential a connection of '{definition.Name}' gives (credentials: {Names(plan.NeededCredentials)}).");
            }
            else
            {
                credentials[known] = value;
            }
        }

        foreach (var missing in plan.NeededCredentials.Where(c => !credentials.ContainsKey(c)))
        {
            ConnectionInput.Add(errors, "credentials." + missing, $"credentials.{missing} is required by source '{definition.Name}'.");
        }

        foreach (var missing in plan.NeededOptions.Where(o => !options.ContainsKey(o)))
        {
            ConnectionInput.Add(errors, "options." + missing, $"options.{missing} is required by source '{definition.Name}'.");
        }

        if (errors.Keys.Any(k => k.StartsWith("options.", StringComparison.Ordinal)))
        {
            return;
        }

        // The adapter has the last word on the options' values, as for a configured source.
        var merged = new Dictionary<string, string?>(plan.Settings.Options, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in options)
        {
            merged[key] = value;
        }

        foreach (var problem in plan.Adapter.Validate(plan.Describe(TimeProvider.System) with { Options = merged }))
        {
            ConnectionInput.Add(errors, ConnectionFields.OptionOf(problem) is { } option ? "options." + option : "options", problem);
        }
    }

    private static async Task<bool> NameTakenAsync(ConnectionServices services, string name, string? exceptId, CancellationToken cancellationToken) =>
        services.Directory.BaseOf(services.Tenant.Id).Find(name) is not null
        || await services.Db.Connections.AnyAsync(c => c.Name == name && c.Id != exceptId, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads the connection's list once (which also warms its cache): refused credentials show here.</summary>
    private static async Task<ConnectionCheck> CheckAsync(SourceRuntime runtime, ConnectionServices services, CancellationToken cancellationToken)
    {
        var outcome = await services.Aggregator.CheckListAsync(runtime, cancellationToken).ConfigureAwait(false);
        var failed = outcome.State == SourceState.Failed ? outcome.Error : null;
        return new ConnectionCheck(failed is null ? "active" : "failed", services.Time.GetUtcNow(), failed);
    }

    private static async Task<IResult?> SaveAsync(ConnectionServices services, CancellationToken cancellationToken)
    {
        var failure = await DatabaseWrites.SaveAsync(services.Db, cancellationToken, () => Problems.BadRequest(new Dictionary<string, string[]>
        {
            ["name"] = ["The tenant already has a source of that name."],
        })).ConfigureAwait(false);
        if (failure is null)
        {
            await services.Changes.PublishAsync(TenantChange.Connections(services.Tenant.Id), cancellationToken).ConfigureAwait(false);
        }

        return failure;
    }

    private static string Short(string text) => text.Length > 64 ? text[..64] : text;

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);

    private sealed record ConnectionCheck(string State, DateTimeOffset CheckedAt, SourceError? Error);
}

/// <summary>The services of the connection endpoints, bundled for <c>[AsParameters]</c>.</summary>
internal sealed record ConnectionServices(
    GatewayDb Db,
    TenantContext Tenant,
    ConnectionDefinitions Definitions,
    ConnectionRuntimes Runtimes,
    TenantDirectory Directory,
    TenantChanges Changes,
    InvoiceAggregator Aggregator,
    InvoiceCache Cache,
    GatewaySettings Settings,
    TimeProvider Time);

/// <summary>A connection as the API shows it: never its credentials.</summary>
internal sealed record ConnectionDocument(
    string Id,
    string Name,
    string Source,
    string State,
    DateTimeOffset? CheckedAt,
    string? Error,
    IReadOnlyDictionary<string, string> Options,
    ConnectionCacheDocument Cache,
    Contracts.Party? Owner,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ConnectionDocument Of(ConnectionRecord record) => new(
        record.Id, record.Name, record.Source, record.State, record.CheckedAt, record.Error,
        ConnectionRuntimes.DeserializeOptions(record.Options), new ConnectionCacheDocument(record.CacheTtl),
        ConnectionRuntimes.DeserializeOwner(record.Owner), record.CreatedAt, record.UpdatedAt);
}

internal sealed record ConnectionCacheDocument(TimeSpan? Ttl);

/// <summary>A connectable definition as a connect page needs it: which credential fields and options to ask for.</summary>
internal sealed record DefinitionDocument(
    string Name,
    string Adapter,
    string AuthType,
    IReadOnlyList<string> Credentials,
    IReadOnlyList<string> Options,
    double? RequestsPerSecond);
