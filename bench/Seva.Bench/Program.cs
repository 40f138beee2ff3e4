using System.Globalization;
using System.Text.Json;
using Seva.Bench;

// Seva's benchmark. Modes: all (default: engine, accuracy, burst, broadcast, then ramp), engine, accuracy, burst, broadcast, load, ramp.
// See README "Performance" for the command that produced the published figures.
var options = BenchOptions.Parse(args);
if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

var log = Console.Error;
log.WriteLine("bench: speaking the corpus with flite (voices slt and awb) ...");
var corpus = Corpus.Load();
var output = new Dictionary<string, object>
{
    ["machine"] = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString() },
};

EngineReport? engineReport = null;
if (options.Mode is "all" or "engine")
{
    engineReport = await EngineBench.RunAsync(corpus, log);
    output["engine"] = engineReport;
    Report.PrintEngine(engineReport);
}

if (options.Mode is "all" or "accuracy")
{
    await using var server = options.Url is null
        ? await SevaServer.StartAsync(options.IdleDecoders, log)
        : await SevaServer.ConnectAsync(options.Url, options.Key ?? throw new ArgumentException("--url needs --key"), options.MetricsKey);
    var accuracy = await AccuracyBench.RunAsync(server, options.Parallel, log);
    output["accuracy"] = accuracy;
    Report.PrintAccuracy(accuracy);
}

if (options.Mode is "all" or "burst")
{
    // A freshly started server, as a clinic's morning finds it: by default two decoders warm.
    var decoderBytes = engineReport?.DecoderBytes ?? await MeasureDecoderBytesAsync();
    await using var server = options.Url is null
        ? await SevaServer.StartAsync(idleDecoders: Math.Max(2, options.WarmDecoders), log, options.WarmDecoders)
        : await SevaServer.ConnectAsync(options.Url, options.Key ?? throw new ArgumentException("--url needs --key"), options.MetricsKey);
    var streams = options.Mode == "burst" ? options.Streams : 16;
    log.WriteLine($"burst: {streams} sessions opened {options.Spacing:0.###} s apart ...");
    var burst = await LoadRun.RunAsync(server, corpus, streams, options.Sentences, decoderBytes, CancellationToken.None, options.Spacing);
    output["burst"] = burst;
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Burst: {streams} sessions opened {options.Spacing:0.###} s apart on a fresh server with {options.WarmDecoders} decoders warm (admitted: {burst.StreamsStarted})"));
    Report.PrintLoad([burst], options.Limit);
}

if (options.Mode is "all" or "broadcast")
{
    await using var server = options.Url is null
        ? await SevaServer.StartAsync(idleDecoders: 2, log)
        : await SevaServer.ConnectAsync(options.Url, options.Key ?? throw new ArgumentException("--url needs --key"), options.MetricsKey);
    var broadcast = await BroadcastBench.RunAsync(server, corpus, options.Listeners, options.Slow, sentences: 16, log);
    output["broadcast"] = broadcast;
    Report.PrintBroadcast(broadcast);
}

if (options.Mode is "all" or "load" or "ramp")
{
    // Per-decoder memory is needed to tell session memory from decoder memory.
    var decoderBytes = engineReport?.DecoderBytes ?? await MeasureDecoderBytesAsync();
    await using var server = options.Url is null
        ? await SevaServer.StartAsync(options.IdleDecoders, log)
        : await SevaServer.ConnectAsync(options.Url, options.Key ?? throw new ArgumentException("--url needs --key"), options.MetricsKey);
    var runs = new List<LoadReport>();
    if (options.Mode == "load")
    {
        log.WriteLine($"load: {options.Streams} streams ...");
        runs.Add(await LoadRun.RunAsync(server, corpus, options.Streams, options.Sentences, decoderBytes, CancellationToken.None));
    }
    else
    {
        for (var n = options.Start; n <= options.Max; n += options.Step)
        {
            log.WriteLine($"ramp: {n} streams ...");
            var run = await LoadRun.RunAsync(server, corpus, n, options.Sentences, decoderBytes, CancellationToken.None);
            runs.Add(run);
            if (!run.Held(options.Limit))
            {
                break;
            }
        }
    }

    output["load"] = runs;
    Report.PrintLoad(runs, options.Limit);
    if (options.Mode != "load")
    {
        var held = runs.Where(r => r.Held(options.Limit)).Select(r => r.Streams).DefaultIfEmpty(0).Max();
        output["largest_streams_held"] = held;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Largest N with final latency p95 <= {options.Limit:0.00} s and no stream behind: {held}"));
    }
}

if (options.Json is not null)
{
    var json = JsonSerializer.Serialize(output, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
    if (options.Json == "-")
    {
        Console.WriteLine(json);
    }
    else
    {
        await File.WriteAllTextAsync(options.Json, json);
        log.WriteLine($"bench: JSON written to {options.Json}");
    }
}

return 0;

static async Task<double> MeasureDecoderBytesAsync()
{
    var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
    var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
    Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(services, configuration);
    Microsoft.Extensions.DependencyInjection.LoggingServiceCollectionExtensions.AddLogging(services);
    Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, TimeProvider.System);
    Seva.Actors.Speech.PocketSphinx.PocketSphinxExtensions.AddPocketSphinx(services);
    await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
    var engine = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Seva.Actors.Speech.ISpeechEngine>(provider);
    return (await EngineBench.MeasureDecoderLoadAsync(engine)).Bytes;
}
