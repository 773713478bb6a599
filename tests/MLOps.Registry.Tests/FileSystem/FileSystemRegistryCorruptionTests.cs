using System.Text.Json.Nodes;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

/// <summary>
/// Registry files that are valid JSON but wrong. Every kind of file (schema, model, version, approvals, audit log) is
/// corrupted in every way (a null document, a null required field, the record of another model or version than its path,
/// a field of the wrong type or out of range), and every operation that reads it must throw a
/// <see cref="ModelRegistryException"/> with <see cref="RegistryErrorCode.CorruptData"/> naming the file, change nothing,
/// and never return wrong data, a <see cref="NullReferenceException"/> or an <see cref="ArgumentNullException"/>.
/// </summary>
public sealed class FileSystemRegistryCorruptionTests : IDisposable, IClassFixture<CorruptionBaseline>
{
    private const string Schema = "schema.json";
    private static readonly string ModelJson = Path.Combine("models", "taxi", "model.json");
    private static readonly string Version1 = Path.Combine("models", "taxi", "versions", "1.json");
    private static readonly string Version2 = Path.Combine("models", "taxi", "versions", "2.json");
    private static readonly string Approvals = Path.Combine("models", "taxi", "approvals.json");
    private static readonly string Audit = Path.Combine("models", "taxi", "audit.jsonl");
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private readonly CorruptionBaseline _baseline;
    private readonly TempDirectory _directory = new();

    public FileSystemRegistryCorruptionTests(CorruptionBaseline baseline)
    {
        _baseline = baseline;
        CopyDirectory(baseline.Path, _directory.Path);
    }

    /// <summary>How each file is corrupted: (the kind of record, the file, a function of the registry root and the file's text to the corrupt text).</summary>
    private static readonly Dictionary<string, (string Kind, string File, Func<string, string, string> Corrupt)> Corruptions = new()
    {
        ["schema: null document"] = ("schema", Schema, (_, _) => "null"),
        ["schema: version of the wrong type"] = ("schema", Schema, Set("schemaVersion", "\"one\"")),
        ["schema: version 0"] = ("schema", Schema, Set("schemaVersion", "0")),

        ["model: null document"] = ("model", ModelJson, (_, _) => "null"),
        ["model: model null"] = ("model", ModelJson, Set("model", "null")),
        ["model: name of another model"] = ("model", ModelJson, Set("model/name", "\"other\"")),
        ["model: name missing"] = ("model", ModelJson, Remove("model/name")),
        ["model: name of the wrong type"] = ("model", ModelJson, Set("model/name", "42")),
        ["model: tags null"] = ("model", ModelJson, Set("model/tags", "null")),
        ["model: tag value null"] = ("model", ModelJson, Set("model/tags/team", "null")),
        ["model: aliases null"] = ("model", ModelJson, Set("model/aliases", "null")),
        ["model: alias above the latest version"] = ("model", ModelJson, Set("model/aliases/champion", "9")),
        ["model: alias version 0"] = ("model", ModelJson, Set("model/aliases/champion", "0")),
        ["model: latest version of the wrong type"] = ("model", ModelJson, Set("model/latestVersion", "\"two\"")),
        ["model: createdBy null"] = ("model", ModelJson, Set("model/createdBy", "null")),
        ["model: createdAt of the wrong type"] = ("model", ModelJson, Set("model/createdAt", "5")),
        ["model: alias history null"] = ("model", ModelJson, Set("aliasHistory", "null")),
        ["model: alias history entry null"] = ("model", ModelJson, Set("aliasHistory/0", "null")),
        ["model: alias history entry of another model"] = ("model", ModelJson, Set("aliasHistory/0/name", "\"other\"")),
        ["model: alias history revision 0"] = ("model", ModelJson, Set("aliasHistory/0/revision", "0")),
        ["model: alias history action undefined"] = ("model", ModelJson, Set("aliasHistory/0/action", "7")),
        ["model: alias history actor null"] = ("model", ModelJson, Set("aliasHistory/0/actor", "null")),
        ["model: pending audit event null"] = ("model", ModelJson, Set("pendingAudit/0/event", "null")),

        ["version: null document"] = ("version", Version1, (_, _) => "null"),
        ["version: file of another version (2.json copied over 1.json)"] = ("version", Version1, (root, _) => File.ReadAllText(Path.Combine(root, Version2))),
        ["version: version of the wrong type"] = ("version", Version1, Set("version", "\"1\"")),
        ["version: name of another model"] = ("version", Version1, Set("name", "\"other\"")),
        ["version: status undefined"] = ("version", Version1, Set("status", "7")),
        ["version: status of the wrong type"] = ("version", Version1, Set("status", "true")),
        ["version: artifacts null"] = ("version", Version1, Set("artifacts", "null")),
        ["version: artifacts empty while ready"] = ("version", Version1, Set("artifacts", "[]")),
        ["version: artifact null"] = ("version", Version1, Set("artifacts/0", "null")),
        ["version: artifact path null"] = ("version", Version1, Set("artifacts/0/path", "null")),
        ["version: artifact path escaping"] = ("version", Version1, Set("artifacts/0/path", "\"../../schema.json\"")),
        ["version: artifact sha256 not hexadecimal"] = ("version", Version1, Set("artifacts/0/sha256", "\"zz\"")),
        ["version: artifact length negative"] = ("version", Version1, Set("artifacts/0/length", "-1")),
        ["version: artifact length of the wrong type"] = ("version", Version1, Set("artifacts/0/length", "\"big\"")),
        ["version: primary artifact path null"] = ("version", Version1, Set("primaryArtifactPath", "null")),
        ["version: metrics null"] = ("version", Version1, Set("metrics", "null")),
        ["version: metric of the wrong type"] = ("version", Version1, Set("metrics/r2", "\"high\"")),
        ["version: params null"] = ("version", Version1, Set("params", "null")),
        ["version: param value null"] = ("version", Version1, Set("params/trees", "null")),
        ["version: tags null"] = ("version", Version1, Set("tags", "null")),
        ["version: createdBy null"] = ("version", Version1, Set("createdBy", "null")),
        ["version: pending audit event of another model"] = ("version-pending", Version1, Set("pendingAudit/0/event/model", "\"other\"")),

        ["approvals: null document"] = ("approvals", Approvals, (_, _) => "null"),
        ["approvals: an object instead of a list"] = ("approvals", Approvals, (_, _) => "{}"),
        ["approvals: approval null"] = ("approvals", Approvals, Set("0", "null")),
        ["approvals: id null"] = ("approvals", Approvals, Set("0/id", "null")),
        ["approvals: approval of another model"] = ("approvals", Approvals, Set("0/name", "\"other\"")),
        ["approvals: version 0"] = ("approvals", Approvals, Set("0/version", "0")),
        ["approvals: state undefined"] = ("approvals", Approvals, Set("0/state", "9")),
        ["approvals: requestedBy null"] = ("approvals", Approvals, Set("0/requestedBy", "null")),
        ["approvals: pending audit event with a null action"] = ("approvals-pending", Approvals, Set("0/pendingAudit/0/event/action", "null")),

        ["audit: a null line"] = ("audit", Audit, (_, text) => "null\n" + text),
        ["audit: a line of the wrong type"] = ("audit", Audit, (_, text) => "[1,2]\n" + text),
        ["audit: a line with a null actor"] = ("audit", Audit, (_, text) => "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"actor\":null,\"action\":\"x\",\"model\":\"taxi\",\"target\":\"taxi\"}\n" + text),
        ["audit: a line of another model"] = ("audit", Audit, (_, text) => "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"actor\":\"a\",\"action\":\"x\",\"model\":\"other\",\"target\":\"other\"}\n" + text),
        ["audit: a line that is not JSON, not the last"] = ("audit", Audit, (_, text) => "{\"timestamp\n" + text),
    };

    /// <summary>The operations, each reading some of the files.</summary>
    private static readonly Dictionary<string, Func<FileSystemModelRegistry, string, Task>> Operations = new()
    {
        ["GetModel"] = (r, _) => r.GetModelAsync(Taxi),
        ["SearchModels"] = (r, _) => r.SearchModelsAsync(),
        ["ResolveAlias"] = (r, _) => r.ResolveAsync(ModelReference.ForAlias(Taxi, ModelAlias.Champion)),
        ["ResolveLatest"] = (r, _) => r.ResolveAsync(ModelReference.ForLatest(Taxi)),
        ["ResolveVersion1"] = (r, _) => r.ResolveAsync(ModelReference.ForVersion(Taxi, new ModelVersion(1))),
        ["GetVersion1"] = (r, _) => r.GetVersionAsync(Taxi, new ModelVersion(1)),
        ["ListVersions"] = (r, _) => r.ListVersionsAsync(Taxi),
        ["OpenArtifact1"] = async (r, _) => await (await r.OpenArtifactAsync(Taxi, new ModelVersion(1))).DisposeAsync(),
        ["GetReferenceProfile1"] = (r, _) => r.GetReferenceProfileAsync(Taxi, new ModelVersion(1)),
        ["SetReferenceProfile1"] = (r, _) => r.SetReferenceProfileAsync(Taxi, new ModelVersion(1), new ReferenceProfileBlob("application/json", "{}"u8.ToArray())),
        ["UpdateVersion1"] = (r, _) => r.UpdateVersionAsync(new UpdateVersionRequest(Taxi, new ModelVersion(1)) { Description = "x" }),
        ["Register"] = (r, _) => r.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("3"u8.ToArray())])),
        ["UpdateModel"] = (r, _) => r.UpdateModelAsync(new UpdateModelRequest(Taxi) { Description = "x" }),
        ["Promote1"] = (r, _) => r.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion)),
        ["Rollback"] = (r, _) => r.RollbackAsync(new RollbackRequest(Taxi, ModelAlias.Champion)),
        ["RemoveAlias"] = (r, _) => r.RemoveAliasAsync(new RemoveAliasRequest(Taxi, ModelAlias.Champion)),
        ["AliasHistory"] = (r, _) => r.GetAliasHistoryAsync(Taxi),
        ["RequestApproval1"] = (r, _) => r.RequestApprovalAsync(new ApprovalRequest(Taxi, new ModelVersion(1), ModelAlias.Parse("staging"))),
        ["DecideApproval"] = (r, id) => r.DecideApprovalAsync(new ApprovalDecision(Taxi, id, Approve: true) { Actor = "bob" }),
        ["ListApprovals"] = (r, _) => r.ListApprovalsAsync(Taxi),
        ["QueryAuditOfModel"] = (r, _) => r.QueryAuditAsync(new AuditQuery { Model = Taxi }),
        ["QueryAudit"] = (r, _) => r.QueryAuditAsync(),
    };

    /// <summary>Which operations read each kind of record.</summary>
    private static readonly Dictionary<string, string[]> Readers = new()
    {
        ["schema"] = ["GetModel", "SearchModels", "ListVersions", "Register", "Promote1", "QueryAudit"],
        ["model"] = ["GetModel", "SearchModels", "ResolveAlias", "ResolveLatest", "Register", "UpdateModel", "Promote1", "Rollback", "RemoveAlias",
            "AliasHistory", "RequestApproval1", "DecideApproval", "QueryAuditOfModel", "QueryAudit"],
        ["version"] = ["ResolveVersion1", "GetVersion1", "ListVersions", "OpenArtifact1", "GetReferenceProfile1", "SetReferenceProfile1", "UpdateVersion1",
            "Promote1", "Rollback", "RequestApproval1", "QueryAuditOfModel"],
        ["approvals"] = ["ListApprovals", "RequestApproval1", "DecideApproval", "Promote1", "QueryAuditOfModel", "QueryAudit"],
        ["audit"] = ["QueryAuditOfModel", "QueryAudit"],

        // The audit events a state file carries until they are in audit.jsonl: read by writes of that file and by audit queries.
        ["version-pending"] = ["UpdateVersion1", "SetReferenceProfile1", "QueryAuditOfModel", "QueryAudit"],
        ["approvals-pending"] = ["RequestApproval1", "DecideApproval", "QueryAuditOfModel", "QueryAudit"],
    };

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach ((string corruption, (string kind, _, _)) in Corruptions)
        {
            foreach (string operation in Readers[kind])
            {
                data.Add(corruption, operation);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Operation_ReadingACorruptFile_ThrowsCorruptDataNamingTheFileAndChangesNothing(string corruption, string operation)
    {
        (_, string file, Func<string, string, string> corrupt) = Corruptions[corruption];
        string path = Path.Combine(_directory.Path, file);
        await File.WriteAllTextAsync(path, corrupt(_directory.Path, await File.ReadAllTextAsync(path)));
        var before = DirectorySnapshot.Files(_directory.Path);
        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false, DefaultActor = "tester" });

        Exception? thrown = await Record.ExceptionAsync(() => Operations[operation](registry, _baseline.ApprovalId));

        var ex = Assert.IsType<ModelRegistryException>(thrown, exactMatch: false);
        Assert.True(ex.ErrorCode == RegistryErrorCode.CorruptData, $"{ex.ErrorCode}: {ex}");
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, DirectorySnapshot.Files(_directory.Path));
    }

    [Fact]
    public async Task Cases_CoverEveryKindOfFileAndEveryOperation()
    {
        Assert.Equal(Readers.Keys.Order(), Corruptions.Values.Select(c => c.Kind).Distinct().Order());
        Assert.Equal(Operations.Keys.Order(), Readers.Values.SelectMany(o => o).Distinct().Order());
        Assert.All(Corruptions.Values, c => Assert.True(File.Exists(Path.Combine(_baseline.Path, c.File)), c.File));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task SearchAndList_SkipNothingSilently_ACorruptModelFailsTheSearchAndACorruptVersionTheListing()
    {
        // One policy for listings: a record that cannot be checked fails the call (naming the file) instead of being left out.
        Directory.CreateDirectory(Path.Combine(_directory.Path, "models", "other"));
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "models", "other", "model.json"), "{\"model\":null}");
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, Version2), "null");
        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false });

        var search = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.SearchModelsAsync());
        var list = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.ListVersionsAsync(Taxi));

        Assert.Equal(RegistryErrorCode.CorruptData, search.ErrorCode);
        Assert.Contains(Path.Combine("models", "other", "model.json"), search.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryErrorCode.CorruptData, list.ErrorCode);
        Assert.Contains(Version2, list.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VersionFileCopiedOverAnother_IsNeverServedAsTheOtherVersion()
    {
        File.Copy(Path.Combine(_directory.Path, Version2), Path.Combine(_directory.Path, Version1), overwrite: true);
        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false });

        var get = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.GetVersionAsync(Taxi, new ModelVersion(1)));
        var promote = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Parse("staging"))));

        Assert.Contains("holds version 2", get.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryErrorCode.CorruptData, promote.ErrorCode);
        Assert.False((await registry.GetModelAsync(Taxi))!.Aliases.ContainsKey(ModelAlias.Parse("staging")));
    }

    [Fact]
    public async Task StrayFilesInTheVersionsDirectory_AreNotVersions()
    {
        // "007.json" would parse as 7 and read 7.json; only canonical names are version files.
        File.Copy(Path.Combine(_directory.Path, Version1), Path.Combine(_directory.Path, "models", "taxi", "versions", "01.json"));
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "models", "taxi", "versions", "notes.json"), "null");
        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false });

        Assert.Equal([1, 2], (await registry.ListVersionsAsync(Taxi)).Select(v => v.Version.Number));
    }

    /// <summary>Sets the node at a path (<c>a/b/0/c</c>) to the JSON <paramref name="value"/>.</summary>
    private static Func<string, string, string> Set(string path, string value) => (_, text) =>
    {
        JsonNode root = JsonNode.Parse(text)!;
        (JsonNode parent, string last) = Navigate(root, path);
        JsonNode? node = JsonNode.Parse(value);
        if (parent is JsonArray array)
        {
            array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = node;
        }
        else
        {
            parent[last] = node;
        }

        return root.ToJsonString();
    };

    /// <summary>Removes the property at a path.</summary>
    private static Func<string, string, string> Remove(string path) => (_, text) =>
    {
        JsonNode root = JsonNode.Parse(text)!;
        (JsonNode parent, string last) = Navigate(root, path);
        Assert.True(parent.AsObject().Remove(last), path);
        return root.ToJsonString();
    };

    private static (JsonNode Parent, string Last) Navigate(JsonNode root, string path)
    {
        string[] segments = path.Split('/');
        JsonNode current = root;
        foreach (string segment in segments[..^1])
        {
            current = (current is JsonArray array ? array[int.Parse(segment, System.Globalization.CultureInfo.InvariantCulture)] : current[segment])
                ?? throw new InvalidOperationException($"'{path}': '{segment}' is missing in the baseline");
        }

        string last = segments[^1];
        Assert.True(current is JsonArray a ? int.Parse(last, System.Globalization.CultureInfo.InvariantCulture) < a.Count : current.AsObject().ContainsKey(last), $"'{path}' is missing in the baseline");
        return (current, last);
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    public void Dispose() => _directory.Dispose();
}

/// <summary>
/// A registry with every kind of file: model <c>taxi</c> with a tag, versions 1 (metrics, params, tags) and 2, alias
/// champion moved 1 then 2 (so a rollback reads version 1), and a pending approval requested by alice.
/// </summary>
public sealed class CorruptionBaseline : IAsyncLifetime
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private readonly TempDirectory _directory = new();

    public string Path => _directory.Path;

    public string ApprovalId { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = Path, WatchForChanges = false, DefaultActor = "tester" });
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("1"u8.ToArray())])
        {
            Metrics = new Dictionary<string, double> { ["r2"] = 0.8 },
            Params = new Dictionary<string, string> { ["trees"] = "100" },
            Tags = new Dictionary<string, string> { ["team"] = "ml" },
        });
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("2"u8.ToArray())]));
        await registry.UpdateModelAsync(new UpdateModelRequest(Taxi) { SetTags = new Dictionary<string, string> { ["team"] = "ml" } });
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(2), ModelAlias.Champion));
        PromotionApproval approval = await registry.RequestApprovalAsync(new ApprovalRequest(Taxi, new ModelVersion(2), ModelAlias.Parse("staging")) { Actor = "alice" });
        ApprovalId = approval.Id;
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
