using System.Text;
using MLOps.Registry.Tests.Support;
using MLOps.Shared.FileSystem;

namespace MLOps.Registry.Tests.Shared;

public sealed class JsonLinesTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("", "", true)]
    [InlineData("{\"a\":1}\n", "{\"a\":1}\n", true)]
    [InlineData("{\"a\":1}\n{\"a\":", "{\"a\":1}\n", false)]
    [InlineData("{\"a\":", "", false)]
    public void RepairTornTail_CutsBackToTheLastCompleteLine(string content, string expected, bool complete)
    {
        string path = Path.Combine(_directory.Path, "log.jsonl");
        File.WriteAllText(path, content);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            Assert.Equal(complete, JsonLines.EndsWithCompleteLine(stream));
            JsonLines.RepairTornTail(stream);
        }

        Assert.Equal(expected, File.ReadAllText(path));
    }

    [Fact]
    public void RepairTornTail_TornLineLongerThanTheReadBuffer_IsCutWhole()
    {
        string path = Path.Combine(_directory.Path, "log.jsonl");
        string complete = "{\"a\":1}\n" + new string('x', 5000) + "\n";
        File.WriteAllText(path, complete + "{\"b\":\"" + new string('y', 10_000));
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            JsonLines.RepairTornTail(stream);
        }

        Assert.Equal(complete, File.ReadAllText(path, Encoding.UTF8));
    }
}
