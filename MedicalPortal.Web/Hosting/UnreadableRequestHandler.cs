using Microsoft.AspNetCore.Diagnostics;

namespace MedicalPortal.Web.Hosting;

/// <summary>
/// A request the server could not read (a body over the limit, a form without its antiforgery token, a value that
/// cannot be bound) outside the API, which answers with problem details itself: the status the framework gives it
/// (400, 413) and a short page, never the error page. Re-running a POST as the error page would read the same form
/// again and fail a second time, and a client's mistake is not the portal's error.
/// </summary>
internal sealed class UnreadableRequestHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException unreadable || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = unreadable.StatusCode;
        httpContext.Response.ContentType = "text/html; charset=utf-8";
        var what = unreadable.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? "The request is larger than the portal accepts."
            : "The request could not be read. If you were sending a form, open the page again and send it from there.";
        await httpContext.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Request not accepted - MedicalPortal</title></head>" +
            "<body><main style=\"max-width:40rem;margin:4rem auto;font-family:sans-serif\"><h1>Request not accepted</h1>" +
            $"<p>{what}</p><p><a href=\"/\">Home</a></p></main></body></html>",
            cancellationToken);
        return true;
    }
}
