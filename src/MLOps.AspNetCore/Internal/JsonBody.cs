using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace MLOps.AspNetCore.Internal;

/// <summary>Reads a JSON request body within the configured size and depth limits, or says why not as ProblemDetails.</summary>
internal static class JsonBody
{
    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpContext http, MLOpsEndpointOptions options)
    {
        HttpRequest request = http.Request;
        if (!request.HasJsonContentType())
        {
            return (null, Problems.UnsupportedMediaType(request.ContentType));
        }

        if (request.ContentLength > options.MaxRequestBodySize)
        {
            return (null, Problems.TooLarge($"The request body is {request.ContentLength} bytes; the limit is {options.MaxRequestBodySize} bytes."));
        }

        var buffer = new MemoryStream();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, http.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > options.MaxRequestBodySize)
                {
                    return (null, Problems.TooLarge($"The request body exceeds the limit of {options.MaxRequestBodySize} bytes."));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (buffer.Length == 0)
        {
            return (null, Problems.BadRequest("The request body is empty; send a JSON document."));
        }

        try
        {
            var document = JsonDocument.Parse(
                buffer.GetBuffer().AsMemory(0, (int)buffer.Length),
                new JsonDocumentOptions { MaxDepth = options.MaxJsonDepth });
            return (document, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest($"The request body is not valid JSON: {ex.Message}"));
        }
    }
}
