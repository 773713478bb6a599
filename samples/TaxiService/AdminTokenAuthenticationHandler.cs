using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace TaxiService;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;admin token&gt;</c> as the sample's administrator (role
/// <see cref="AdminRole"/>). Any other bearer token fails; other schemes (<c>Basic</c>, none) are anonymous, so the
/// <c>MLOps.Admin</c> policy answers them 401 with <c>WWW-Authenticate: Bearer</c>.
/// </summary>
/// <remarks>
/// Why not JwtBearer: one long-lived secret for one local operator needs no issuer, audience, expiry or signing key,
/// and JwtBearer would only move the secret into a key file and mint a token from it. A real deployment takes its users
/// from an identity provider with <c>AddJwtBearer</c> and keeps the same policy (see src/MLOps.AspNetCore/README.md).
/// </remarks>
public sealed class AdminTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AdminToken token)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "AdminToken";
    public const string AdminRole = "mlops-admin";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!token.Matches(header["Bearer ".Length..].Trim()))
        {
            return Task.FromResult(AuthenticateResult.Fail("The bearer token is not the admin token."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, AdminRole)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
