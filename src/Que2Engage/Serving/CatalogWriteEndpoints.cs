using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Que2Engage.Data;
using Que2Engage.Modeling;
using Que2Engage.Retrieval;

namespace Que2Engage.Serving;

/// <summary>
/// <c>PUT /products/{id}</c> (body: a product record of the data schema, embedded by the served model) and
/// <c>DELETE /products/{id}</c>; <c>GET /products/{id}</c> reads a listing (no key needed). Writes are off unless the server has a write key; a request needs
/// <c>Authorization: Bearer &lt;key&gt;</c> (401 without, 403 with a wrong one; compared in constant time). Bodies are
/// checked with <c>validate</c>'s rules and messages (400 problem+json with the field). A write is acknowledged
/// (200/201/204) only once it is in the fsynced write-ahead log and visible to the next search.
/// </summary>
public static class CatalogWriteEndpoints
{
    public const string Route = "/products";

    public static void Map(WebApplication app, CatalogIndex index, IEmbeddingModel? model, SearchServerOptions options, ServerMetrics metrics)
    {
        var key = options.WriteKey is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.WriteKey));

        IResult? Refuse(HttpContext ctx)
        {
            if (key is null)
            {
                metrics.RecordWriteReject("disabled");
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: "writes are off on this server (it was started without a write key).");
            }
            var header = ctx.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
            {
                metrics.RecordWriteReject("unauthorized");
                ctx.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Problem(statusCode: 401, title: "Unauthorized", detail: "send 'Authorization: Bearer <write key>'.");
            }
            // Hashing both sides makes the comparison constant-time regardless of the given key's length.
            var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim()));
            if (!CryptographicOperations.FixedTimeEquals(given, key))
            {
                metrics.RecordWriteReject("forbidden");
                return Results.Problem(statusCode: 403, title: "Forbidden", detail: "the write key is wrong.");
            }
            return null;
        }

        IResult Invalid(string detail, string? field)
        {
            metrics.RecordWriteReject("invalid");
            var extensions = field is null ? null : new Dictionary<string, object?> { ["field"] = field };
            return Results.Problem(statusCode: 400, title: "Bad request", detail: detail, extensions: extensions);
        }

        IResult Failed(Que2EngageException e)
        {
            metrics.RecordWriteReject("failed");
            return Results.Problem(statusCode: 500, title: "Write failed", detail: e.Message);
        }

        app.MapPut(Route + "/{id}", async (string id, HttpContext ctx) =>
        {
            id = PathId(ctx, id);
            if (Refuse(ctx) is { } refused) return refused;
            if (id.Length > 512) return Invalid("product_id: longer than 512 characters", ProductColumns.ProductId);
            var sizeFeature = ctx.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = options.MaxWriteBodyBytes;
            JsonDocument body;
            try
            {
                body = await JsonDocument.ParseAsync(ctx.Request.Body, default, ctx.RequestAborted);
            }
            catch (JsonException)
            {
                return Invalid("the body must be a JSON object: a product record (product_id, title, language, price, condition, …).", null);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                metrics.RecordWriteReject("invalid");
                return Results.Problem(statusCode: 413, title: "Payload too large", detail: $"a product record is limited to {options.MaxWriteBodyBytes} bytes.");
            }
            using (body)
            {
                var root = body.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(ProductColumns.ProductId, out var bodyId)
                    && bodyId.ValueKind == JsonValueKind.String && bodyId.GetString() != id)
                    return Invalid($"product_id: '{bodyId.GetString()}' does not match the id in the path ('{id}')", ProductColumns.ProductId);
                Product product;
                try
                {
                    product = ProductRecord.Parse(root, "body");
                }
                catch (DataFormatException e)
                {
                    return Invalid(e.Message, e.Field);
                }
                float[] vector;
                try
                {
                    vector = index.EmbedProduct(model!, product);
                }
                catch (InvalidInputException e)
                {
                    return Invalid(e.Message, null);
                }
                bool replaced;
                try { replaced = await index.UpsertAsync(CatalogEntry.From(product), vector); }
                catch (Que2EngageException e) { return Failed(e); }
                metrics.RecordWrite("upsert");
                var response = new WriteResponse(id, replaced ? "replaced" : "created", index.WriteSequence);
                return replaced ? Results.Json(response) : Results.Json(response, statusCode: StatusCodes.Status201Created);
            }
        });

        app.MapGet(Route + "/{id}", (string id, HttpContext ctx) =>
        {
            id = PathId(ctx, id);
            return index.FindProduct(id) is { } entry
                ? Results.Json(entry)
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"no listing '{id}' in the catalog.");
        });

        app.MapDelete(Route + "/{id}", async (string id, HttpContext ctx) =>
        {
            id = PathId(ctx, id);
            if (Refuse(ctx) is { } refused) return refused;
            bool existed;
            try { existed = await index.DeleteAsync(id); }
            catch (Que2EngageException e) { return Failed(e); }
            metrics.RecordWrite("delete");
            return existed
                ? Results.NoContent()
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"no listing '{id}' in the catalog.");
        });
    }

    /// <summary>
    /// The product id of a <c>/products/{id}</c> request: its path segment percent-decoded exactly once. Kestrel
    /// decodes every escape of the path except %2F (so an escaped slash cannot split a segment), which left the route
    /// value "a%2Fb" for the id "a/b"; decoding the route value again would also turn the literal id "a%2Fb" (sent as
    /// a%252Fb, which Kestrel has already decoded to "a%2Fb") into "a/b". So the id is decoded from the request's raw
    /// target, as the client escaped it; the route value (decoded once more) only where there is no raw target.
    /// </summary>
    internal static string PathId(HttpContext ctx, string routeValue)
    {
        string? raw = ctx.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is not null)
        {
            int query = raw.IndexOfAny(['?', '#']);
            if (query >= 0) raw = raw[..query];
            if (raw.StartsWith(Route + "/", StringComparison.OrdinalIgnoreCase))
            {
                string segment = raw[(Route.Length + 1)..].TrimEnd('/');
                if (segment.Length > 0 && !segment.Contains('/')) return Uri.UnescapeDataString(segment);
            }
        }
        return Uri.UnescapeDataString(routeValue);
    }

    public sealed record WriteResponse(
        [property: JsonPropertyName("product_id")] string ProductId,
        [property: JsonPropertyName("result")] string Result,
        [property: JsonPropertyName("seq")] long Seq);
}
