using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Seva.Web.Tests.Dapr.Support;

/// <summary>Reads the repository's Dapr YAML (components/, dapr/, dapr.yaml) the way daprd and the
/// Dapr CLI find it, so the tests check the files a deployment really loads.</summary>
public static class DaprResourceFiles
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(RepositoryRoot, relative);

    /// <summary>Every YAML document in a file, as JSON nodes (scalars stay strings, as in the YAML).</summary>
    public static IReadOnlyList<JsonObject> Documents(string path)
    {
        var deserializer = new DeserializerBuilder().Build();
        var documents = new List<JsonObject>();
        using var reader = new StringReader(File.ReadAllText(path));
        var parser = new Parser(reader);
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var value = deserializer.Deserialize(parser);
            if (ToNode(value) is JsonObject document)
            {
                documents.Add(document);
            }
        }

        return documents;
    }

    public static JsonObject OnlyDocument(string relative) => Assert.Single(Documents(PathOf(relative)));

    /// <summary>The Components daprd loads from these folders: each folder's *.yaml/*.yml files, not its
    /// sub-folders, documents of apiVersion dapr.io/v1alpha1 and kind Component only
    /// (dapr/dapr pkg/internal/loader/disk/manifest.go).</summary>
    public static IReadOnlyList<(string File, JsonObject Component)> ComponentsLoadedFrom(IEnumerable<string> folders) =>
        ResourcesLoadedFrom(folders, "Component");

    public static IReadOnlyList<(string File, JsonObject Resource)> ResourcesLoadedFrom(IEnumerable<string> folders, string kind) =>
        [.. folders
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.TopDirectoryOnly)
                .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal))
            .SelectMany(file => Documents(file).Select(document => (file, document)))
            .Where(d => Text(d.document, "apiVersion") == "dapr.io/v1alpha1" && Text(d.document, "kind") == kind)];

    /// <summary>The metadata entries of a component's spec, by name.</summary>
    public static IReadOnlyDictionary<string, JsonObject> Metadata(JsonObject component) =>
        (component["spec"]?["metadata"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .ToDictionary(m => Text(m, "name") ?? "", m => m, StringComparer.Ordinal);

    public static bool IsActorStateStore(JsonObject component) =>
        Metadata(component).TryGetValue("actorStateStore", out var flag)
        && string.Equals(Text(flag, "value"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? Text(JsonNode? node, string property) =>
        node is JsonObject o && o[property] is JsonValue v ? v.ToString() : null;

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        IDictionary<object, object> map => new JsonObject(map.Select(kv =>
            KeyValuePair.Create(Convert.ToString(kv.Key, System.Globalization.CultureInfo.InvariantCulture)!, ToNode(kv.Value)))),
        IList<object> list => new JsonArray([.. list.Select(ToNode)]),
        _ => JsonValue.Create(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)),
    };

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seva.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Seva.sln not found above " + AppContext.BaseDirectory);
    }
}
