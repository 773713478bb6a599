using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace TaxiService;

/// <summary>
/// The sample's admin secret: 256 random bits made on first start, kept in <c>.mlops/admin-token</c> (readable by the
/// owner only) and printed once, when it is made, like a notebook server's token.
/// </summary>
public sealed class AdminToken
{
    private readonly byte[] _hash;

    private AdminToken(string path, string value)
    {
        Path = path;
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Gets the file that holds the token.</summary>
    public string Path { get; }

    /// <summary>Reads the token from <c>{root}/admin-token</c>, or makes it (and prints it once) when there is none.</summary>
    public static AdminToken LoadOrCreate(string root)
    {
        string path = System.IO.Path.Combine(root, "admin-token");
        if (File.Exists(path))
        {
            string existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 32)
            {
                Console.WriteLine($"Management endpoints need the admin token in {path} (Authorization: Bearer <token>).");
                return new AdminToken(path, existing);
            }
        }

        string token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        Directory.CreateDirectory(root);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, Encoding.ASCII, options))
        {
            writer.Write(token);
        }

        Console.WriteLine($"""
            Admin token for the management endpoints (promote, rollback, approvals, audit, retrain), shown this once and
            kept in {path}:

                {token}

            """);
        return new AdminToken(path, token);
    }

    /// <summary>Compares <paramref name="candidate"/> with the token in constant time.</summary>
    public bool Matches(string candidate) =>
        CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));
}
