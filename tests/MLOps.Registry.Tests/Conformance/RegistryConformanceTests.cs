using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using MLOps.Registry.Internal;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Conformance;

/// <summary>
/// The behaviour every <see cref="IModelRegistry"/> backend must have. A backend's test class derives from this one and
/// supplies a fresh, empty registry per test (xunit creates one instance of the class per test), a second instance over
/// the same store (another process or replica), and a way to damage a stored artifact.
/// </summary>
public abstract partial class RegistryConformanceTests : IAsyncLifetime
{
    private IModelRegistry? _registry;

    /// <summary>Gets the registry under test (created before each test).</summary>
    protected IModelRegistry Registry => _registry ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Creates a fresh, empty registry over a fresh store.</summary>
    protected abstract Task<IModelRegistry> CreateRegistryAsync();

    /// <summary>Opens a second, independent registry instance over the same store as <see cref="Registry"/> (another replica).</summary>
    protected abstract Task<IModelRegistry> OpenSecondInstanceAsync();

    /// <summary>Damages a stored artifact: flips a byte (same length) or, with <paramref name="truncate"/>, cuts it in half.</summary>
    protected abstract Task CorruptArtifactAsync(ModelName name, ModelVersion version, string path, bool truncate);

    /// <summary>Releases the store (delete directories, drop schemas).</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _registry = await CreateRegistryAsync();

    public async Task DisposeAsync()
    {
        if (_registry is not null)
        {
            await DisposeRegistryAsync(_registry);
        }

        await DisposeStoreAsync();
    }

    protected static ModelName Name(string name = "taxi") => ModelName.Parse(name);

    protected static ModelAlias Alias(string alias = "champion") => ModelAlias.Parse(alias);

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    protected static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    protected Task<RegisteredModelVersion> RegisterAsync(
        string name = "taxi", string content = "model-bytes", IReadOnlyDictionary<string, double>? metrics = null, string? actor = null) =>
        Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(name), [ModelArtifact.FromBytes(Bytes(content))])
        {
            Metrics = metrics,
            Actor = actor,
        });

    // ---- registered models ----

    [Fact]
    public async Task CreateModel_ThenGet_ReturnsDescriptionTagsAndActor()
    {
        RegisteredModel created = await Registry.CreateModelAsync(new CreateModelRequest(Name())
        {
            Description = "trip duration",
            Tags = new Dictionary<string, string> { ["team"] = "rides" },
            Actor = "alice",
        });

        RegisteredModel? read = await Registry.GetModelAsync(Name());

        Assert.NotNull(read);
        Assert.Equal(Name(), read.Name);
        Assert.Equal("trip duration", read.Description);
        Assert.Equal("rides", read.Tags["team"]);
        Assert.Equal("alice", read.CreatedBy);
        Assert.Null(read.LatestVersion);
        Assert.Empty(read.Aliases);
        Assert.Equal(created.CreatedAt, read.CreatedAt);
    }

    [Fact]
    public async Task CreateModel_Twice_ThrowsAlreadyExists()
    {
        await Registry.CreateModelAsync(new CreateModelRequest(Name()));

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.CreateModelAsync(new CreateModelRequest(Name())));

        Assert.Equal(RegistryErrorCode.AlreadyExists, ex.ErrorCode);
        Assert.Contains("taxi", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetModel_Missing_ReturnsNull()
    {
        Assert.Null(await Registry.GetModelAsync(Name("missing")));
        Assert.Null(await Registry.GetVersionAsync(Name("missing"), new ModelVersion(1)));
        Assert.Null(await Registry.ResolveAsync(ModelReference.ForAlias(Name("missing"), Alias())));
        Assert.Empty(await Registry.ListVersionsAsync(Name("missing")));
    }

    [Fact]
    public async Task SearchModels_FiltersByPrefixTagAliasAndCreationTime()
    {
        await Registry.CreateModelAsync(new CreateModelRequest(Name("taxi-duration")) { Tags = new Dictionary<string, string> { ["team"] = "rides" } });
        await Registry.CreateModelAsync(new CreateModelRequest(Name("taxi-fare")) { Tags = new Dictionary<string, string> { ["team"] = "pricing" } });
        RegisteredModel churn = await Registry.CreateModelAsync(new CreateModelRequest(Name("churn")));
        await RegisterAsync("taxi-fare");
        await Registry.PromoteAsync(new PromoteRequest(Name("taxi-fare"), new ModelVersion(1), Alias()));

        Assert.Equal(["churn", "taxi-duration", "taxi-fare"], (await Registry.SearchModelsAsync()).Select(m => m.Name.Value));
        Assert.Equal(["taxi-duration", "taxi-fare"], (await Registry.SearchModelsAsync(new ModelSearchQuery { NamePrefix = "taxi" })).Select(m => m.Name.Value));
        Assert.Equal(["taxi-fare"], (await Registry.SearchModelsAsync(new ModelSearchQuery { TagKey = "team", TagValue = "pricing" })).Select(m => m.Name.Value));
        Assert.Equal(["taxi-duration", "taxi-fare"], (await Registry.SearchModelsAsync(new ModelSearchQuery { TagKey = "team" })).Select(m => m.Name.Value));
        Assert.Equal(["taxi-fare"], (await Registry.SearchModelsAsync(new ModelSearchQuery { Alias = Alias() })).Select(m => m.Name.Value));
        Assert.DoesNotContain(
            (await Registry.SearchModelsAsync(new ModelSearchQuery { CreatedAfter = churn.CreatedAt })).Select(m => m.Name.Value),
            n => n == "churn");
        Assert.Empty(await Registry.SearchModelsAsync(new ModelSearchQuery { NamePrefix = "taxi", TagKey = "missing" }));
    }

    [Fact]
    public async Task UpdateModel_SetsDescriptionAddsAndRemovesTags()
    {
        await Registry.CreateModelAsync(new CreateModelRequest(Name()) { Tags = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } });

        RegisteredModel updated = await Registry.UpdateModelAsync(new UpdateModelRequest(Name())
        {
            Description = "new",
            SetTags = new Dictionary<string, string> { ["a"] = "10", ["c"] = "3" },
            RemoveTags = ["b"],
        });

        Assert.Equal("new", updated.Description);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "10", ["c"] = "3" }, (await Registry.GetModelAsync(Name()))!.Tags);
    }

    [Fact]
    public async Task UpdateModel_Missing_ThrowsNotFound()
    {
        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.UpdateModelAsync(new UpdateModelRequest(Name()) { Description = "x" }));
        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
    }

    // ---- versions ----

    [Fact]
    public async Task RegisterVersion_IntoMissingModel_CreatesTheModelAndAllocatesVersionOne()
    {
        RegisteredModelVersion v1 = await RegisterAsync();

        Assert.Equal(new ModelVersion(1), v1.Version);
        Assert.Equal(ModelVersionStatus.Ready, v1.Status);
        RegisteredModel? model = await Registry.GetModelAsync(Name());
        Assert.NotNull(model);
        Assert.Equal(new ModelVersion(1), model.LatestVersion);
    }

    [Fact]
    public async Task RegisterVersion_IntoMissingModelWithoutAutoCreate_ThrowsNotFoundAndCreatesNothing()
    {
        var request = new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("x"))]) { CreateModelIfMissing = false };

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.RegisterVersionAsync(request));

        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
        Assert.Null(await Registry.GetModelAsync(Name()));
        Assert.Empty(await Registry.QueryAuditAsync());
    }

    [Fact]
    public async Task QueryAudit_InvalidQuery_ThrowsArgumentExceptionOnEveryBackend()
    {
        // The query is checked once, in the core: PostgreSQL used to run a query for the default (empty) model name.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Registry.QueryAuditAsync(new AuditQuery { Limit = 0 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.QueryAuditAsync(new AuditQuery { Model = default(ModelName) }));
    }

    [Fact]
    public async Task RegisterVersion_WithLineageReason_AuditsItAsTheCreationReasonOnEveryBackend()
    {
        // The file system audited the creation with no reason, PostgreSQL with the lineage's: one rule in RegistryCore now.
        await Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("x"))])
        {
            Lineage = new ModelLineage { Trigger = "drift", Reason = "feature drift on 'fare'" },
        });

        AuditEvent created = Assert.Single(await Registry.QueryAuditAsync(new AuditQuery { Action = AuditActions.VersionCreated }));
        Assert.Equal("feature drift on 'fare'", created.Reason);
        AuditEvent ready = Assert.Single(await Registry.QueryAuditAsync(new AuditQuery { Action = AuditActions.VersionStatusChanged }));
        Assert.Null(ready.Reason);
    }

    [Fact]
    public async Task RegisterVersion_Repeatedly_AllocatesConsecutiveIncreasingNumbers()
    {
        var versions = new List<int>();
        for (int i = 0; i < 5; i++)
        {
            versions.Add((await RegisterAsync(content: "m" + i)).Version.Number);
        }

        Assert.Equal([1, 2, 3, 4, 5], versions);
        Assert.Equal([1, 2, 3, 4, 5], (await Registry.ListVersionsAsync(Name())).Select(v => v.Version.Number));
        Assert.Equal(new ModelVersion(5), (await Registry.GetModelAsync(Name()))!.LatestVersion);
    }

    [Fact]
    public async Task RegisterVersion_InParallel_AllocatesUniqueNumbers()
    {
        await Registry.CreateModelAsync(new CreateModelRequest(Name()));

        RegisteredModelVersion[] registered = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => RegisterAsync(content: "p" + i))));

        int[] numbers = [.. registered.Select(v => v.Version.Number).Order()];
        Assert.Equal(numbers.Distinct().Count(), numbers.Length);
        Assert.Equal(16, (await Registry.ListVersionsAsync(Name())).Count);
        Assert.All(await Registry.ListVersionsAsync(Name()), v => Assert.Equal(ModelVersionStatus.Ready, v.Status));
    }

    [Fact]
    public async Task RegisterVersion_InParallelThroughTwoInstances_AllocatesUniqueNumbers()
    {
        IModelRegistry second = await OpenSecondInstanceAsync();
        try
        {
            await Registry.CreateModelAsync(new CreateModelRequest(Name()));
            Task<RegisteredModelVersion>[] tasks =
            [
                .. Enumerable.Range(0, 8).Select(i => Task.Run(() => RegisterAsync(content: "a" + i))),
                .. Enumerable.Range(0, 8).Select(i => Task.Run(() => second.RegisterVersionAsync(
                    new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("b" + i))])))),
            ];

            RegisteredModelVersion[] registered = await Task.WhenAll(tasks);

            Assert.Equal(16, registered.Select(v => v.Version).Distinct().Count());
            Assert.Equal(16, (await second.ListVersionsAsync(Name())).Count);
        }
        finally
        {
            (second as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public async Task RegisterVersion_ArtifactFailsToUpload_RethrowsAndTheVersionIsNeverServedNorItsNumberReused()
    {
        await RegisterAsync(content: "1");
        var failing = new RegisterVersionRequest(Name(), [ModelArtifact.FromStream(_ => throw new IOException("disk gone"))]);

        await Assert.ThrowsAsync<IOException>(() => Registry.RegisterVersionAsync(failing));

        // Either the version is recorded as failed (file system) or it was never created (transactional backends).
        RegisteredModelVersion[] others = [.. (await Registry.ListVersionsAsync(Name())).Where(v => v.Version != new ModelVersion(1))];
        Assert.All(others, v => Assert.Equal(ModelVersionStatus.Failed, v.Status));
        Assert.Equal(new ModelVersion(1), (await Registry.ResolveAsync(ModelReference.ForLatest(Name())))!.Version);
        RegisteredModelVersion next = await RegisterAsync(content: "3");
        Assert.True(others.All(o => next.Version > o.Version), "a failed version's number is not reused");
        Assert.Equal(ModelVersionStatus.Ready, next.Status);
    }

    [Fact]
    public async Task RegisterVersion_StoresTheArtifactWithItsSha256AndReadsItBack()
    {
        byte[] content = RandomNumberGenerator.GetBytes(100_000);

        RegisteredModelVersion v = await Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(content)]));

        ArtifactDescriptor primary = Assert.Single(v.Artifacts);
        Assert.Equal(ModelArtifact.DefaultPath, primary.Path);
        Assert.Equal(Sha256(content), primary.Sha256);
        Assert.Equal(content.Length, primary.Length);
        Assert.Equal(primary, v.PrimaryArtifact);
        Assert.Equal(content, await Registry.ReadArtifactAsync(Name(), v.Version));
    }

    [Fact]
    public async Task RegisterVersion_FileSet_StoresEveryFileAndServesThePrimaryOne()
    {
        var request = new RegisterVersionRequest(Name(),
        [
            ModelArtifact.FromBytes(Bytes("weights"), "model/weights.bin"),
            ModelArtifact.FromBytes(Bytes("vocab"), "model/vocab.txt"),
            ModelArtifact.FromStream(_ => ValueTask.FromResult<Stream>(new MemoryStream(Bytes("readme"))), "README.md"),
        ])
        {
            PrimaryArtifactPath = "model/weights.bin",
        };

        RegisteredModelVersion v = await Registry.RegisterVersionAsync(request);

        Assert.Equal(3, v.Artifacts.Count);
        Assert.Equal("model/weights.bin", v.PrimaryArtifactPath);
        Assert.Equal(Bytes("weights"), await Registry.ReadArtifactAsync(Name(), v.Version));
        Assert.Equal(Bytes("vocab"), await Registry.ReadArtifactAsync(Name(), v.Version, "model/vocab.txt"));
        Assert.Equal(Bytes("readme"), await Registry.ReadArtifactAsync(Name(), v.Version, "README.md"));
    }

    [Fact]
    public async Task RegisterVersion_InvalidRequests_ThrowArgumentExceptionAndWriteNothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(), [])));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(),
            [ModelArtifact.FromBytes(Bytes("a"), "x.bin"), ModelArtifact.FromBytes(Bytes("b"), "x.bin")])));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(),
            [ModelArtifact.FromBytes(Bytes("a"), "x.bin"), ModelArtifact.FromBytes(Bytes("b"), "y.bin")])));   // no primary among several
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(),
            [ModelArtifact.FromBytes(Bytes("a"), "x.bin")]) { PrimaryArtifactPath = "other.bin" }));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterVersionAsync(new RegisterVersionRequest(default, [ModelArtifact.FromBytes(Bytes("a"))])));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("a"))])
        {
            Metrics = new Dictionary<string, double> { [""] = 1 },
        }));

        Assert.Null(await Registry.GetModelAsync(Name()));
        Assert.Empty(await Registry.QueryAuditAsync());
    }

    // ---- artifact path limits ----
    // Regression: a valid artifact path close to ModelArtifact.MaxPathLength failed registration on both backends with an
    // ArgumentException about a parameter named 'key' (the backend's storage key, prefix + path, passed the store's limit).

    public static TheoryData<string> LongArtifactPaths => new()
    {
        new string('a', 255),                                                                                 // the longest file name
        string.Join('/', Enumerable.Repeat(new string('b', 255), 4)),                                         // 1023 characters, every segment at its limit
        string.Join('/', Enumerable.Range(0, 5).Select(i => new string((char)('c' + i), 204))),               // exactly MaxPathLength
    };

    [Theory]
    [MemberData(nameof(LongArtifactPaths))]
    public async Task RegisterVersion_ArtifactPathUpToMaxPathLength_RegistersAndReadsBack(string path)
    {
        Assert.True(ModelArtifact.IsValidPath(path));
        ModelName name = Name(new string('m', ModelName.MaxLength));   // the longest model name makes the longest storage key
        byte[] content = RandomNumberGenerator.GetBytes(1000);

        RegisteredModelVersion v = await Registry.RegisterVersionAsync(new RegisterVersionRequest(name,
            [ModelArtifact.FromBytes(content, path), ModelArtifact.FromBytes(Bytes("short"), "model.zip")])
        {
            PrimaryArtifactPath = path,
        });

        Assert.Equal(ModelVersionStatus.Ready, v.Status);
        Assert.Equal([path, "model.zip"], v.Artifacts.Select(a => a.Path));
        Assert.Equal(path, v.PrimaryArtifactPath);
        Assert.Equal(Sha256(content), v.PrimaryArtifact!.Sha256);
        Assert.Equal(content, await Registry.ReadArtifactAsync(name, v.Version));
        Assert.Equal(content, await Registry.ReadArtifactAsync(name, v.Version, path));
        Assert.Equal(Bytes("short"), await Registry.ReadArtifactAsync(name, v.Version, "model.zip"));
        Assert.Equal(path, (await Registry.GetVersionAsync(name, v.Version))!.PrimaryArtifactPath);

        IModelRegistry second = await OpenSecondInstanceAsync();
        try
        {
            Assert.Equal(content, await second.ReadArtifactAsync(name, v.Version, path));
        }
        finally
        {
            await DisposeRegistryAsync(second);
        }
    }

    [Fact]
    public async Task RegisterVersion_LongArtifactPathTampered_ThrowsArtifactIntegrityException()
    {
        string path = string.Join('/', Enumerable.Repeat(new string('d', 255), 4));
        RegisteredModelVersion v = await Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("long-model"), path)]));

        await CorruptArtifactAsync(Name(), v.Version, path, truncate: false);

        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => Registry.ReadArtifactAsync(Name(), v.Version, path));
    }

    [Theory]
    [InlineData("model", "model/weights.bin")]            // a file and a directory of the same name
    [InlineData("a/b/c.bin", "a/b")]
    [InlineData("Model.zip", "model.zip")]                // differ only in case: one file on Windows and macOS
    [InlineData("data/x.bin", "DATA/y.bin")]              // directories that differ only in case
    public async Task RegisterVersion_ArtifactPathsThatCannotCoexistInAFileTree_ThrowArgumentExceptionAndWriteNothing(string first, string second)
    {
        var request = new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("1"), first), ModelArtifact.FromBytes(Bytes("2"), second)])
        {
            PrimaryArtifactPath = first,
        };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterVersionAsync(request));

        Assert.Equal("request", ex.ParamName);
        Assert.Contains(first, ex.Message, StringComparison.Ordinal);
        Assert.Contains(second, ex.Message, StringComparison.Ordinal);
        Assert.Null(await Registry.GetModelAsync(Name()));
        Assert.Empty(await Registry.QueryAuditAsync());
    }

    protected internal static async Task DisposeRegistryAsync(IModelRegistry registry)
    {
        switch (registry)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    [Theory]
    [InlineData("../evil.zip")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("a\\b")]
    [InlineData("C:/x")]
    [InlineData("./model.zip")]
    [InlineData("")]
    public void ModelArtifact_PathTraversalOrAbsolutePath_IsRejectedBeforeAnythingIsWritten(string path) =>
        Assert.Throws<ArgumentException>(() => ModelArtifact.FromBytes(Bytes("x"), path));

    [Fact]
    public async Task RegisterVersion_RoundTripsMetadataSignatureLineageAndProfile()
    {
        var lineage = new ModelLineage
        {
            RunId = "run-42",
            DatasetName = "trips-2026-11",
            DatasetDigest = "sha256:abc",
            DatasetRowCount = 123_456,
            ParentVersion = null,
            CodeVersion = "git:0123abc",
            Trigger = "drift",
            Reason = "dataset drift on distance",
        };
        var signature = new ModelSignature
        {
            Inputs = [new SignatureColumn("Size", "Single"), new SignatureColumn("Features", "Single", IsVector: true, Size: 3)],
            Outputs = [new SignatureColumn("Score", "Single")],
        };

        RegisteredModelVersion v = await Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("m"))])
        {
            Description = "first",
            Metrics = new Dictionary<string, double> { ["r2"] = 0.91, ["rmse"] = 3.5 },
            Params = new Dictionary<string, string> { ["trees"] = "100" },
            Tags = new Dictionary<string, string> { ["stage"] = "dev" },
            Signature = signature,
            Lineage = lineage,
            ReferenceProfile = new ReferenceProfileBlob("application/json", Bytes("{\"features\":[]}")),
            Actor = "trainer",
        });

        RegisteredModelVersion read = (await Registry.GetVersionAsync(Name(), v.Version))!;
        Assert.Equal("first", read.Description);
        Assert.Equal(0.91, read.Metrics["r2"]);
        Assert.Equal(3.5, read.Metrics["rmse"]);
        Assert.Equal("100", read.Params["trees"]);
        Assert.Equal("dev", read.Tags["stage"]);
        Assert.Equal(lineage, read.Lineage);
        Assert.NotNull(read.Signature);
        Assert.Equal(signature.Inputs, read.Signature.Inputs);
        Assert.Equal(signature.Outputs, read.Signature.Outputs);
        Assert.Equal("trainer", read.CreatedBy);
        Assert.Equal("application/json", read.ReferenceProfileContentType);
        ReferenceProfileBlob? profile = await Registry.GetReferenceProfileAsync(Name(), v.Version);
        Assert.NotNull(profile);
        Assert.Equal("application/json", profile.ContentType);
        Assert.Equal(Bytes("{\"features\":[]}"), profile.Content.ToArray());
    }

    [Fact]
    public async Task RegisterVersion_LineageParentVersion_RoundTrips()
    {
        await RegisterAsync();
        RegisteredModelVersion v2 = await Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("m2"))])
        {
            Lineage = new ModelLineage { ParentVersion = new ModelVersion(1), Trigger = "schedule" },
        });

        Assert.Equal(new ModelVersion(1), (await Registry.GetVersionAsync(Name(), v2.Version))!.Lineage!.ParentVersion);
    }

    [Fact]
    public async Task SetReferenceProfile_ReplacesTheProfile()
    {
        RegisteredModelVersion v = await RegisterAsync();
        Assert.Null(await Registry.GetReferenceProfileAsync(Name(), v.Version));

        await Registry.SetReferenceProfileAsync(Name(), v.Version, new ReferenceProfileBlob("application/json", Bytes("{\"a\":1}")));
        await Registry.SetReferenceProfileAsync(Name(), v.Version, new ReferenceProfileBlob("application/json", Bytes("{\"a\":2}")));

        Assert.Equal(Bytes("{\"a\":2}"), (await Registry.GetReferenceProfileAsync(Name(), v.Version))!.Content.ToArray());
    }

    [Fact]
    public async Task UpdateVersion_LogsMetricsTagsAndNewParams()
    {
        RegisteredModelVersion v = await Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("m"))])
        {
            Metrics = new Dictionary<string, double> { ["r2"] = 0.5 },
            Params = new Dictionary<string, string> { ["trees"] = "100" },
            Tags = new Dictionary<string, string> { ["a"] = "1" },
        });

        RegisteredModelVersion updated = await Registry.UpdateVersionAsync(new UpdateVersionRequest(Name(), v.Version)
        {
            Description = "evaluated",
            Metrics = new Dictionary<string, double> { ["r2"] = 0.8, ["mae"] = 1.5 },
            Params = new Dictionary<string, string> { ["leaves"] = "20" },
            SetTags = new Dictionary<string, string> { ["b"] = "2" },
            RemoveTags = ["a"],
        });

        Assert.Equal("evaluated", updated.Description);
        Assert.Equal(0.8, updated.Metrics["r2"]);
        Assert.Equal(1.5, updated.Metrics["mae"]);
        Assert.Equal(new Dictionary<string, string> { ["trees"] = "100", ["leaves"] = "20" }, updated.Params);
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, updated.Tags);
        Assert.Equal(updated.Metrics, (await Registry.GetVersionAsync(Name(), v.Version))!.Metrics);
    }

    [Fact]
    public async Task UpdateVersion_ReloggingAParam_ThrowsParamAlreadyLoggedAndChangesNothing()
    {
        RegisteredModelVersion v = await Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("m"))])
        {
            Params = new Dictionary<string, string> { ["trees"] = "100" },
        });

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.UpdateVersionAsync(new UpdateVersionRequest(Name(), v.Version)
        {
            Params = new Dictionary<string, string> { ["trees"] = "200", ["leaves"] = "20" },
            Metrics = new Dictionary<string, double> { ["r2"] = 1 },
        }));

        Assert.Equal(RegistryErrorCode.ParamAlreadyLogged, ex.ErrorCode);
        Assert.Contains("trees", ex.Message, StringComparison.Ordinal);
        RegisteredModelVersion read = (await Registry.GetVersionAsync(Name(), v.Version))!;
        Assert.Equal(new Dictionary<string, string> { ["trees"] = "100" }, read.Params);
        Assert.Empty(read.Metrics);
    }

    [Fact]
    public async Task UpdateVersion_MissingVersion_ThrowsNotFound()
    {
        await RegisterAsync();
        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() =>
            Registry.UpdateVersionAsync(new UpdateVersionRequest(Name(), new ModelVersion(9)) { Description = "x" }));
        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task OpenArtifact_Tampered_ThrowsArtifactIntegrityException()
    {
        RegisteredModelVersion v = await RegisterAsync(content: new string('x', 10_000));
        await CorruptArtifactAsync(Name(), v.Version, ModelArtifact.DefaultPath, truncate: false);

        var ex = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => Registry.ReadArtifactAsync(Name(), v.Version));
        Assert.Equal(RegistryErrorCode.IntegrityFailure, ex.ErrorCode);
    }

    [Fact]
    public async Task OpenArtifact_Truncated_ThrowsArtifactIntegrityException()
    {
        RegisteredModelVersion v = await RegisterAsync(content: new string('x', 10_000));
        await CorruptArtifactAsync(Name(), v.Version, ModelArtifact.DefaultPath, truncate: true);

        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => Registry.ReadArtifactAsync(Name(), v.Version));
    }

    [Fact]
    public async Task OpenArtifact_MissingPath_ThrowsNotFound()
    {
        RegisteredModelVersion v = await RegisterAsync();
        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.OpenArtifactAsync(Name(), v.Version, "other.bin"));
        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
    }

    // ---- aliases ----

    [Fact]
    public async Task Resolve_ByAliasVersionAndLatest()
    {
        await RegisterAsync(content: "1");
        await RegisterAsync(content: "2");
        await RegisterAsync(content: "3");
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(2), Alias()));

        Assert.Equal(new ModelVersion(2), (await Registry.ResolveAsync(ModelReference.Parse("taxi@champion")))!.Version);
        Assert.Equal(new ModelVersion(1), (await Registry.ResolveAsync(ModelReference.Parse("taxi/1")))!.Version);
        Assert.Equal(new ModelVersion(3), (await Registry.ResolveAsync(ModelReference.Parse("taxi")))!.Version);
        Assert.Null(await Registry.ResolveAsync(ModelReference.Parse("taxi@challenger")));
        Assert.Null(await Registry.ResolveAsync(ModelReference.Parse("taxi/7")));
    }

    [Fact]
    public async Task Promote_MovesTheAliasAndRecordsHistoryWithActorAndReason()
    {
        await RegisterAsync(content: "1");
        await RegisterAsync(content: "2");

        AliasHistoryEntry first = await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()) { Reason = "initial", Actor = "alice" });
        AliasHistoryEntry second = await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(2), Alias()) { Reason = "better r2", Actor = "bob" });

        Assert.Equal(1, first.Revision);
        Assert.Null(first.PreviousVersion);
        Assert.Equal(2, second.Revision);
        Assert.Equal(new ModelVersion(1), second.PreviousVersion);
        Assert.Equal(new ModelVersion(2), second.Version);
        Assert.Equal(AliasAction.Promote, second.Action);
        Assert.Equal("bob", second.Actor);
        Assert.Equal("better r2", second.Reason);
        Assert.Equal(new ModelVersion(2), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
        IReadOnlyList<AliasHistoryEntry> history = await Registry.GetAliasHistoryAsync(Name(), Alias());
        Assert.Equal([1L, 2L], history.Select(h => h.Revision));
        Assert.Equal(["alice", "bob"], history.Select(h => h.Actor));
    }

    [Fact]
    public async Task Promote_SeveralAliases_KeepsSeparateHistories()
    {
        await RegisterAsync(content: "1");
        await RegisterAsync(content: "2");
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias("champion")));
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(2), Alias("challenger")));

        RegisteredModel model = (await Registry.GetModelAsync(Name()))!;
        Assert.Equal(new ModelVersion(1), model.Aliases[Alias("champion")]);
        Assert.Equal(new ModelVersion(2), model.Aliases[Alias("challenger")]);
        Assert.Single(await Registry.GetAliasHistoryAsync(Name(), Alias("challenger")));
        Assert.Equal(2, (await Registry.GetAliasHistoryAsync(Name())).Count);
    }

    [Fact]
    public async Task Promote_MissingVersionOrModel_ThrowsNotFound()
    {
        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias())));
        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
        await RegisterAsync();
        ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(5), Alias())));
        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
        Assert.Empty((await Registry.GetModelAsync(Name()))!.Aliases);
    }

    [Fact]
    public void ReservedOrInvalidAliases_AreRejectedByTheAliasType()
    {
        Assert.Throws<ArgumentException>(() => ModelAlias.Parse("latest"));
        Assert.Throws<ArgumentException>(() => ModelAlias.Parse("v3"));
        Assert.Throws<ArgumentException>(() => ModelAlias.Parse("V12"));
        Assert.Throws<ArgumentException>(() => ModelAlias.Parse("has space"));
        Assert.Throws<ArgumentException>(() => ModelAlias.Parse("../x"));
    }

    [Fact]
    public async Task Promote_DefaultAlias_ThrowsArgumentException()
    {
        await RegisterAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), default)));
        Assert.Empty(await Registry.GetAliasHistoryAsync(Name()));
    }

    [Fact]
    public async Task Promote_WithStaleExpectedRevision_ThrowsConflictAndDoesNotMove()
    {
        await RegisterAsync(content: "1");
        await RegisterAsync(content: "2");
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()) { ExpectedRevision = 0 });

        await Assert.ThrowsAsync<RegistryConflictException>(() =>
            Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(2), Alias()) { ExpectedRevision = 0 }));

        Assert.Equal(new ModelVersion(1), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
        AliasHistoryEntry moved = await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(2), Alias()) { ExpectedRevision = 1 });
        Assert.Equal(2, moved.Revision);
    }

    [Fact]
    public async Task Promote_ConcurrentlyWithTheSameExpectedRevision_ExactlyOneWins()
    {
        for (int i = 0; i < 8; i++)
        {
            await RegisterAsync(content: "v" + i);
        }

        IModelRegistry second = await OpenSecondInstanceAsync();
        try
        {
            var outcomes = new ConcurrentBag<string>();
            await Task.WhenAll(Enumerable.Range(1, 8).Select(v => Task.Run(async () =>
            {
                IModelRegistry registry = v % 2 == 0 ? Registry : second;
                try
                {
                    await registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(v), Alias()) { ExpectedRevision = 0 });
                    outcomes.Add("won");
                }
                catch (RegistryConflictException)
                {
                    outcomes.Add("conflict");
                }
            })));

            Assert.Equal(1, outcomes.Count(o => o == "won"));
            Assert.Equal(7, outcomes.Count(o => o == "conflict"));
            Assert.Single(await Registry.GetAliasHistoryAsync(Name(), Alias()));
        }
        finally
        {
            (second as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public async Task Promote_ConcurrentlyWithoutExpectedRevision_IsSerializedAndEveryMoveIsRecorded()
    {
        for (int i = 0; i < 6; i++)
        {
            await RegisterAsync(content: "v" + i);
        }

        await Task.WhenAll(Enumerable.Range(1, 6).Select(v => Task.Run(() =>
            Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(v), Alias())))));

        IReadOnlyList<AliasHistoryEntry> history = await Registry.GetAliasHistoryAsync(Name(), Alias());
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], history.Select(h => h.Revision));
        for (int i = 1; i < history.Count; i++)
        {
            Assert.Equal(history[i - 1].Version, history[i].PreviousVersion);   // serialized: each move saw the previous one
        }

        Assert.Equal(history[^1].Version, (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
    }

    [Fact]
    public async Task Rollback_UnwindsPromotionsLikeAStack()
    {
        for (int i = 1; i <= 3; i++)
        {
            await RegisterAsync(content: "v" + i);
            await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(i), Alias()));
        }

        AliasHistoryEntry first = await Registry.RollbackAsync(new RollbackRequest(Name(), Alias()) { Reason = "v3 regressed", Actor = "oncall" });
        Assert.Equal(new ModelVersion(2), first.Version);
        Assert.Equal(new ModelVersion(3), first.PreviousVersion);
        Assert.Equal(AliasAction.Rollback, first.Action);
        Assert.Equal("oncall", first.Actor);
        Assert.Equal("v3 regressed", first.Reason);

        AliasHistoryEntry second = await Registry.RollbackAsync(new RollbackRequest(Name(), Alias()));
        Assert.Equal(new ModelVersion(1), second.Version);
        Assert.Equal(new ModelVersion(1), (await Registry.ResolveAsync(ModelReference.ForAlias(Name(), Alias())))!.Version);

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.RollbackAsync(new RollbackRequest(Name(), Alias())));
        Assert.Equal(RegistryErrorCode.InvalidState, ex.ErrorCode);
        Assert.Equal(5, (await Registry.GetAliasHistoryAsync(Name(), Alias())).Count);
    }

    [Fact]
    public async Task Rollback_AfterAPromotionFollowingARollback_ReturnsToTheVersionBeforeIt()
    {
        for (int i = 1; i <= 3; i++)
        {
            await RegisterAsync(content: "v" + i);
        }

        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(2), Alias()));
        await Registry.RollbackAsync(new RollbackRequest(Name(), Alias()));                       // -> 1
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(3), Alias()));    // 1 -> 3

        AliasHistoryEntry back = await Registry.RollbackAsync(new RollbackRequest(Name(), Alias()));

        Assert.Equal(new ModelVersion(1), back.Version);
    }

    [Fact]
    public async Task Rollback_NeverAssignedAlias_ThrowsInvalidState()
    {
        // As documented on IModelRegistry.RollbackAsync: no previous holder is InvalidState (PostgreSQL said NotFound).
        await RegisterAsync();
        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.RollbackAsync(new RollbackRequest(Name(), Alias())));
        Assert.Equal(RegistryErrorCode.InvalidState, ex.ErrorCode);
    }

    [Fact]
    public async Task RemoveAlias_UnassignedAliasAndStaleExpectedRevision_ThrowsConflict()
    {
        // The revision is checked first, as by PromoteAsync and RollbackAsync (PostgreSQL said NotFound).
        await RegisterAsync();
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
        await Registry.RemoveAliasAsync(new RemoveAliasRequest(Name(), Alias()));

        await Assert.ThrowsAsync<RegistryConflictException>(() => Registry.RemoveAliasAsync(new RemoveAliasRequest(Name(), Alias()) { ExpectedRevision = 1 }));
        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.RemoveAliasAsync(new RemoveAliasRequest(Name(), Alias()) { ExpectedRevision = 2 }));
        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task RemoveAlias_UnassignsItKeepsHistoryAndARollbackRestoresIt()
    {
        await RegisterAsync();
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));

        AliasHistoryEntry removed = await Registry.RemoveAliasAsync(new RemoveAliasRequest(Name(), Alias()) { Reason = "retired" });

        Assert.Equal(AliasAction.Remove, removed.Action);
        Assert.Null(removed.Version);
        Assert.Equal(new ModelVersion(1), removed.PreviousVersion);
        Assert.Null(await Registry.ResolveAsync(ModelReference.ForAlias(Name(), Alias())));
        Assert.Empty((await Registry.GetModelAsync(Name()))!.Aliases);

        await Registry.RollbackAsync(new RollbackRequest(Name(), Alias()));
        Assert.Equal(new ModelVersion(1), (await Registry.ResolveAsync(ModelReference.ForAlias(Name(), Alias())))!.Version);
    }

    // ---- gates and approvals ----

    [Fact]
    public async Task Promote_FailingGates_ThrowsListingEveryFailedGateAndDoesNotMove()
    {
        await RegisterAsync(content: "1", metrics: new Dictionary<string, double> { ["r2"] = 0.85, ["rmse"] = 3 });
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
        await RegisterAsync(content: "2", metrics: new Dictionary<string, double> { ["r2"] = 0.86, ["rmse"] = 5 });

        var ex = await Assert.ThrowsAsync<PromotionRejectedException>(() => Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(2), Alias())
        {
            Gates =
            [
                new MetricThresholdGate("r2", minimum: 0.8),                       // passes
                new MetricThresholdGate("rmse", maximum: 4),                       // fails
                new BeatCurrentHolderGate("r2", margin: 0.05),                     // fails: +0.01 only
                new MetricThresholdGate("auc", minimum: 0.5),                      // fails: missing
            ],
        }));

        Assert.Equal(RegistryErrorCode.PromotionRejected, ex.ErrorCode);
        Assert.Equal(3, ex.Failures.Count);
        Assert.Contains(ex.Failures, f => f.Contains("rmse", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("current holder", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("auc", StringComparison.Ordinal));
        Assert.Equal(new ModelVersion(1), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
        Assert.Single(await Registry.GetAliasHistoryAsync(Name(), Alias()));
        Assert.Single(await Registry.QueryAuditAsync(new AuditQuery { Action = AuditActions.PromotionRejected }));
    }

    [Fact]
    public async Task Promote_PassingGates_MovesTheAlias()
    {
        await RegisterAsync(content: "1", metrics: new Dictionary<string, double> { ["rmse"] = 5 });
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
        await RegisterAsync(content: "2", metrics: new Dictionary<string, double> { ["rmse"] = 4 });

        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(2), Alias())
        {
            Gates = [new BeatCurrentHolderGate("rmse", margin: 0.5, higherIsBetter: false), new MetricThresholdGate("rmse", maximum: 4.5)],
        });

        Assert.Equal(new ModelVersion(2), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
    }

    [Fact]
    public async Task Approvals_RequestedAndApprovedByAnotherActor_LetTheGatedPromotionPass()
    {
        await RegisterAsync();
        var gated = new PromoteRequest(Name(), new ModelVersion(1), Alias()) { Gates = [new ApprovalRequiredGate()], Actor = "alice" };
        await Assert.ThrowsAsync<PromotionRejectedException>(() => Registry.PromoteAsync(gated));

        PromotionApproval requested = await Registry.RequestApprovalAsync(new ApprovalRequest(Name(), new ModelVersion(1), Alias()) { Actor = "alice", Reason = "ready" });
        Assert.Equal(ApprovalState.Pending, requested.State);
        Assert.Matches("^[0-9a-f]{32}$", requested.Id);   // one id format on every backend (the file system used 16 digits)
        await Assert.ThrowsAsync<PromotionRejectedException>(() => Registry.PromoteAsync(gated));

        var self = await Assert.ThrowsAsync<ModelRegistryException>(() =>
            Registry.DecideApprovalAsync(new ApprovalDecision(Name(), requested.Id, Approve: true) { Actor = "alice" }));
        Assert.Equal(RegistryErrorCode.InvalidState, self.ErrorCode);

        PromotionApproval approved = await Registry.DecideApprovalAsync(new ApprovalDecision(Name(), requested.Id, Approve: true) { Actor = "bob", Reason = "reviewed" });
        Assert.Equal(ApprovalState.Approved, approved.State);
        Assert.Equal("bob", approved.DecidedBy);
        Assert.Equal("reviewed", approved.DecisionReason);
        Assert.NotNull(approved.DecidedAt);

        await Registry.PromoteAsync(gated);
        Assert.Equal(new ModelVersion(1), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
        PromotionApproval listed = Assert.Single(await Registry.ListApprovalsAsync(Name()));
        Assert.Equal(ApprovalState.Approved, listed.State);
        Assert.Equal("alice", listed.RequestedBy);
    }

    [Fact]
    public async Task Approvals_Rejected_GateFailsWithTheRejectionReasonAndDecidingAgainFails()
    {
        await RegisterAsync();
        PromotionApproval requested = await Registry.RequestApprovalAsync(new ApprovalRequest(Name(), new ModelVersion(1), Alias()) { Actor = "alice" });
        await Registry.DecideApprovalAsync(new ApprovalDecision(Name(), requested.Id, Approve: false) { Actor = "bob", Reason = "bias check missing" });

        var ex = await Assert.ThrowsAsync<PromotionRejectedException>(() => Registry.PromoteAsync(
            new PromoteRequest(Name(), new ModelVersion(1), Alias()) { Gates = [new ApprovalRequiredGate()] }));
        Assert.Contains("bias check missing", ex.Message, StringComparison.Ordinal);

        var again = await Assert.ThrowsAsync<ModelRegistryException>(() =>
            Registry.DecideApprovalAsync(new ApprovalDecision(Name(), requested.Id, Approve: true) { Actor = "carol" }));
        Assert.Equal(RegistryErrorCode.InvalidState, again.ErrorCode);
    }

    [Fact]
    public async Task Approvals_ForAMissingVersionOrUnknownId_ThrowNotFound()
    {
        await RegisterAsync();
        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.RequestApprovalAsync(new ApprovalRequest(Name(), new ModelVersion(3), Alias())));
        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
        ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.DecideApprovalAsync(new ApprovalDecision(Name(), "no-such-id", true) { Actor = "bob" }));
        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task Promote_CustomGate_SeesOnlyTheApprovalsOfTheCandidateVersionAndAlias()
    {
        // Regression: PostgreSQL passed every approval of the model to the gates, the file system only this candidate's.
        await RegisterAsync(content: "1");
        await RegisterAsync(content: "2");
        await Registry.RequestApprovalAsync(new ApprovalRequest(Name(), new ModelVersion(1), Alias()) { Actor = "alice", Reason = "other version" });
        await Registry.RequestApprovalAsync(new ApprovalRequest(Name(), new ModelVersion(2), Alias("staging")) { Actor = "alice", Reason = "other alias" });
        PromotionApproval first = await Registry.RequestApprovalAsync(new ApprovalRequest(Name(), new ModelVersion(2), Alias()) { Actor = "alice", Reason = "first" });
        await Registry.DecideApprovalAsync(new ApprovalDecision(Name(), first.Id, Approve: false) { Actor = "bob" });
        PromotionApproval second = await Registry.RequestApprovalAsync(new ApprovalRequest(Name(), new ModelVersion(2), Alias()) { Actor = "alice", Reason = "second" });
        var gate = new RecordingGate();

        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(2), Alias()) { Gates = [gate] });

        PromotionGateContext context = Assert.Single(gate.Contexts);
        Assert.Equal([first.Id, second.Id], context.Approvals.Select(a => a.Id));
        Assert.All(context.Approvals, a => Assert.Equal((Name(), new ModelVersion(2), Alias()), (a.Name, a.Version, a.Alias)));
        Assert.Equal([ApprovalState.Rejected, ApprovalState.Pending], context.Approvals.Select(a => a.State));
        Assert.Equal(Alias(), context.Alias);
        Assert.Equal(new ModelVersion(2), context.Candidate.Version);
        Assert.Null(context.CurrentHolder);
    }

    [Fact]
    public async Task Promote_CustomGate_SeesTheCurrentHolderAndTheRejectionIsAudited()
    {
        await RegisterAsync(content: "1");
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
        await RegisterAsync(content: "2");
        var gate = new RecordingGate("no");

        await Assert.ThrowsAsync<PromotionRejectedException>(() =>
            Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(2), Alias()) { Gates = [gate], Actor = "carol", Reason = "try" }));

        PromotionGateContext context = Assert.Single(gate.Contexts);
        Assert.Equal(new ModelVersion(1), context.CurrentHolder!.Version);
        Assert.Empty(context.Approvals);
        AuditEvent rejected = Assert.Single(await Registry.QueryAuditAsync(new AuditQuery { Action = AuditActions.PromotionRejected }));
        Assert.Equal(("carol", "taxi@champion", "1", "2", "no"), (rejected.Actor, rejected.Target, rejected.Before, rejected.After, rejected.Reason));
        Assert.Equal(Name(), rejected.Model);
    }

    [Fact]
    public async Task Approvals_RequestAndDecision_AreAuditedWithTheSameTargetBeforeAndAfter()
    {
        await RegisterAsync();
        PromotionApproval requested = await Registry.RequestApprovalAsync(new ApprovalRequest(Name(), new ModelVersion(1), Alias()) { Actor = "alice", Reason = "ready" });
        await Registry.DecideApprovalAsync(new ApprovalDecision(Name(), requested.Id, Approve: true) { Actor = "bob", Reason = "reviewed" });

        AuditEvent request = Assert.Single(await Registry.QueryAuditAsync(new AuditQuery { Action = AuditActions.ApprovalRequested }));
        Assert.Equal(("alice", $"taxi/1@champion approval {requested.Id}", null, "Pending", "ready"), (request.Actor, request.Target, request.Before, request.After, request.Reason));
        AuditEvent decision = Assert.Single(await Registry.QueryAuditAsync(new AuditQuery { Action = AuditActions.ApprovalDecided }));
        Assert.Equal(("bob", $"taxi/1@champion approval {requested.Id}", "Pending", "Approved", "reviewed"), (decision.Actor, decision.Target, decision.Before, decision.After, decision.Reason));
    }

    [Fact]
    public async Task Subscribe_ApprovalRequestAndDecision_RaiseApprovalChangedForTheVersionAndAlias()
    {
        await RegisterAsync();
        var changes = new ConcurrentQueue<RegistryChange>();
        using (Registry.Subscribe(changes.Enqueue))
        {
            PromotionApproval requested = await Registry.RequestApprovalAsync(new ApprovalRequest(Name(), new ModelVersion(1), Alias()) { Actor = "alice" });
            await Registry.DecideApprovalAsync(new ApprovalDecision(Name(), requested.Id, Approve: true) { Actor = "bob" });
            var expected = new RegistryChange(RegistryChangeKind.ApprovalChanged, Name(), new ModelVersion(1), Alias());
            await Eventually.HoldsAsync(() => changes.Count(c => c == expected) >= 2, "two approval change events");
        }
    }

    [Fact]
    public async Task AliasAndApprovalRequests_ReasonTooLong_ThrowArgumentExceptionAndWriteNothing()
    {
        // Regression: PostgreSQL accepted any length here; the file system and every other PostgreSQL mutation checked it.
        await RegisterAsync();
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
        int audited = (await Registry.QueryAuditAsync()).Count;
        string reason = new('r', RegistryValidation.MaxTextLength + 1);

        await Assert.ThrowsAsync<ArgumentException>(() => Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias("staging")) { Reason = reason }));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RollbackAsync(new RollbackRequest(Name(), Alias()) { Reason = reason }));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RemoveAliasAsync(new RemoveAliasRequest(Name(), Alias()) { Reason = reason }));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RequestApprovalAsync(new ApprovalRequest(Name(), new ModelVersion(1), Alias()) { Reason = reason }));

        Assert.Equal(audited, (await Registry.QueryAuditAsync()).Count);
        Assert.Empty(await Registry.ListApprovalsAsync(Name()));
        Assert.Equal(new ModelVersion(1), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
    }

    private sealed class RecordingGate(string? failure = null) : PromotionGate
    {
        public ConcurrentQueue<PromotionGateContext> Contexts { get; } = new();

        public override string Description => "records its context";

        public override string? Evaluate(PromotionGateContext context)
        {
            Contexts.Enqueue(context);
            return failure;
        }
    }

    // ---- audit ----

    [Fact]
    public async Task Audit_EveryMutationAppendsAnEventWithActorTargetAndReason()
    {
        await Registry.CreateModelAsync(new CreateModelRequest(Name()) { Actor = "alice" });
        await RegisterAsync(actor: "trainer");
        await Registry.UpdateVersionAsync(new UpdateVersionRequest(Name(), new ModelVersion(1)) { Metrics = new Dictionary<string, double> { ["r2"] = 0.9 }, Actor = "evaluator" });
        await Registry.UpdateModelAsync(new UpdateModelRequest(Name()) { Description = "d", Actor = "alice" });
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()) { Actor = "bob", Reason = "go live" });
        await Registry.SetReferenceProfileAsync(Name(), new ModelVersion(1), new ReferenceProfileBlob("application/json", Bytes("{}")), actor: "drift");

        IReadOnlyList<AuditEvent> events = await Registry.QueryAuditAsync(new AuditQuery { Model = Name() });

        Assert.Contains(events, e => e.Action == AuditActions.ModelCreated && e.Actor == "alice");
        Assert.Contains(events, e => e.Action == AuditActions.VersionCreated && e.Actor == "trainer" && e.Target == "taxi/1");
        Assert.Contains(events, e => e.Action == AuditActions.VersionStatusChanged && e.Target == "taxi/1" && e.After!.Contains("Ready", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Action == AuditActions.VersionUpdated && e.Actor == "evaluator");
        Assert.Contains(events, e => e.Action == AuditActions.ModelUpdated && e.Actor == "alice");
        Assert.Contains(events, e => e.Action == AuditActions.ReferenceProfileSet && e.Actor == "drift");
        AuditEvent promoted = Assert.Single(events, e => e.Action == AuditActions.AliasPromoted);
        Assert.Equal("bob", promoted.Actor);
        Assert.Equal("go live", promoted.Reason);
        Assert.Equal("taxi@champion", promoted.Target);
        Assert.Equal("1", promoted.After);
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp), "chronological order");
    }

    [Fact]
    public async Task Audit_ModelAndVersionStates_AreDescribedAlikeOnEveryBackend()
    {
        // The file system described a created model by its description alone and dropped every description from update
        // summaries; PostgreSQL wrote {description, tags} with nulls. One description now: compact JSON, nulls left out.
        await Registry.CreateModelAsync(new CreateModelRequest(Name()) { Tags = new Dictionary<string, string> { ["team"] = "fares" } });
        await Registry.UpdateModelAsync(new UpdateModelRequest(Name()) { Description = "d" });
        await RegisterAsync();
        await Registry.UpdateVersionAsync(new UpdateVersionRequest(Name(), new ModelVersion(1)) { Description = "v", Metrics = new Dictionary<string, double> { ["r2"] = 0.5 } });

        IReadOnlyList<AuditEvent> events = await Registry.QueryAuditAsync(new AuditQuery { Model = Name() });

        AuditEvent created = Assert.Single(events, e => e.Action == AuditActions.ModelCreated);
        AuditEvent updated = Assert.Single(events, e => e.Action == AuditActions.ModelUpdated);
        Assert.Equal("""{"tags":{"team":"fares"}}""", created.After);
        Assert.Equal(created.After, updated.Before);
        Assert.Equal("""{"description":"d","tags":{"team":"fares"}}""", updated.After);
        AuditEvent version = Assert.Single(events, e => e.Action == AuditActions.VersionUpdated);
        Assert.Equal("""{"tags":{},"metrics":{},"params":{}}""", version.Before);
        Assert.Equal("""{"description":"v","tags":{},"metrics":{"r2":0.5},"params":{}}""", version.After);
    }

    [Fact]
    public async Task Audit_QueryFiltersByModelActionAndTimeRange()
    {
        await RegisterAsync("taxi");
        await RegisterAsync("churn");
        DateTimeOffset between = (await Registry.QueryAuditAsync()).Max(e => e.Timestamp);
        await Task.Delay(20);
        await Registry.PromoteAsync(new PromoteRequest(Name("churn"), new ModelVersion(1), Alias()));

        Assert.All(await Registry.QueryAuditAsync(new AuditQuery { Model = Name("taxi") }), e => Assert.Equal(Name("taxi"), e.Model));
        Assert.Equal(2, (await Registry.QueryAuditAsync(new AuditQuery { Action = AuditActions.VersionCreated })).Count);
        AuditEvent after = Assert.Single(await Registry.QueryAuditAsync(new AuditQuery { From = between.AddTicks(1) }));
        Assert.Equal(AuditActions.AliasPromoted, after.Action);
        Assert.DoesNotContain(await Registry.QueryAuditAsync(new AuditQuery { To = between.AddTicks(1) }), e => e.Action == AuditActions.AliasPromoted);
        Assert.Single(await Registry.QueryAuditAsync(new AuditQuery { Limit = 1 }), e => e.Action == AuditActions.AliasPromoted);
    }

    [Fact]
    public async Task Audit_FailedMutations_AppendNothing()
    {
        await RegisterAsync();
        int before = (await Registry.QueryAuditAsync()).Count;

        await Assert.ThrowsAnyAsync<ModelRegistryException>(() => Registry.CreateModelAsync(new CreateModelRequest(Name())));
        await Assert.ThrowsAnyAsync<ModelRegistryException>(() => Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(9), Alias())));
        await Assert.ThrowsAnyAsync<ModelRegistryException>(() => Registry.RollbackAsync(new RollbackRequest(Name(), Alias())));

        Assert.Equal(before, (await Registry.QueryAuditAsync()).Count);
    }

    // ---- change events ----

    [Fact]
    public async Task Subscribe_ReceivesAliasChangesOfThisInstance()
    {
        await RegisterAsync();
        var changes = new ConcurrentQueue<RegistryChange>();
        using (Registry.Subscribe(changes.Enqueue))
        {
            await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
            await Eventually.HoldsAsync(
                () => changes.Any(c => c.Name == Name() && c.Kind == RegistryChangeKind.AliasChanged && c.Alias == Alias() && c.Version == new ModelVersion(1)),
                "AliasChanged for this instance's own promotion, with its alias and version (External alone, from the watcher, does not count)");
        }
    }

    [Fact]
    public async Task Subscribe_HandlerThrows_OtherHandlersStillReceiveThisInstancesChangesInCommitOrder()
    {
        // One subscriber list for every backend (ModelRegistry): a throwing handler is logged, the others run, and this
        // instance's changes arrive in the order they committed.
        await RegisterAsync();
        var changes = new ConcurrentQueue<RegistryChange>();
        using (Registry.Subscribe(_ => throw new InvalidOperationException("a broken subscriber")))
        using (Registry.Subscribe(changes.Enqueue))
        {
            await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
            await Registry.UpdateModelAsync(new UpdateModelRequest(Name()) { Description = "after the promotion" });
            await Eventually.HoldsAsync(
                () => changes.Any(c => c.Kind == RegistryChangeKind.ModelUpdated),
                "ModelUpdated reaches the second handler although the first throws");
        }

        RegistryChangeKind[] own = [.. changes.Where(c => c.Name == Name() && c.Kind != RegistryChangeKind.External).Select(c => c.Kind)];
        Assert.Equal([RegistryChangeKind.AliasChanged, RegistryChangeKind.ModelUpdated], own);
    }

    [Fact]
    public async Task Subscribe_ReceivesChangesMadeThroughAnotherInstance()
    {
        await RegisterAsync();
        IModelRegistry second = await OpenSecondInstanceAsync();
        try
        {
            var changes = new ConcurrentQueue<RegistryChange>();
            using IDisposable subscription = Registry.Subscribe(changes.Enqueue);

            await second.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));

            await Eventually.HoldsAsync(() => changes.Any(c => c.Name == Name()), "change event from the other instance");
        }
        finally
        {
            (second as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public async Task Subscribe_AfterDispose_ReceivesNothingMore()
    {
        await RegisterAsync();
        int count = 0;
        IDisposable subscription = Registry.Subscribe(_ => Interlocked.Increment(ref count));
        subscription.Dispose();
        int before = Volatile.Read(ref count);

        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
        await Task.Delay(200);

        Assert.Equal(before, Volatile.Read(ref count));
    }

    // ---- instances see each other's writes ----

    [Fact]
    public async Task SecondInstance_SeesModelsVersionsAliasesAndAudit()
    {
        await RegisterAsync(metrics: new Dictionary<string, double> { ["r2"] = 0.9 });
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
        IModelRegistry second = await OpenSecondInstanceAsync();
        try
        {
            Assert.Equal(new ModelVersion(1), (await second.ResolveAsync(ModelReference.ForAlias(Name(), Alias())))!.Version);
            Assert.Equal(0.9, (await second.GetVersionAsync(Name(), new ModelVersion(1)))!.Metrics["r2"]);
            Assert.Equal(Bytes("model-bytes"), await second.ReadArtifactAsync(Name(), new ModelVersion(1)));
            Assert.NotEmpty(await second.QueryAuditAsync(new AuditQuery { Model = Name() }));
            RegisteredModelVersion v2 = await second.RegisterVersionAsync(new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("2"))]));
            Assert.Equal(new ModelVersion(2), v2.Version);
        }
        finally
        {
            (second as IDisposable)?.Dispose();
        }
    }
}
