using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using StreamRec.Pipeline.Features;

namespace StreamRec.Web.Tests;

/// <summary>
/// The dashboard in a real headless browser: Debian's chromium (installed by .ci/run), driven by Playwright for .NET,
/// against a real <c>streamrec demo</c> process. No browser is downloaded: Playwright is pointed at the system one.
/// </summary>
public sealed class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [SkippableFact]
    public async Task Demo_InChromium_ChartsReceiveDataAndUserViewShowsAListWithWhy()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is missing; .ci/run installs Debian's chromium package.");
        using var timeout = new CancellationTokenSource(Timeout);
        using var demo = StartDemo("--duration", "40s", "--rate", "800", "--http-port", "0", "--explain");
        var stderr = demo.StandardError.ReadToEndAsync(timeout.Token);
        var url = await DashboardUrlAsync(demo, timeout.Token);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,

            // This machine's network is closed: without these, chromium keeps dialling out at start-up.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 1200 } });
        await page.GotoAsync(url.ToString());

        // The charts have points once snapshots have arrived over the event stream (two for rates, a window for H@10).
        await page.WaitForFunctionAsync(
            "() => ['throughput', 'freshness', 'online', 'steps'].every(id => +document.getElementById(id).dataset.points > 2)",
            null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        using var http = new HttpClient { BaseAddress = url };
        var user = JsonDocument.Parse(await http.GetStringAsync("api/users", timeout.Token)).RootElement.GetProperty("user_id").GetString()!;
        await page.FillAsync("[data-testid=user-id]", user);
        await page.ClickAsync("[data-testid=user-show]");
        await page.WaitForSelectorAsync("[data-testid=user-top] tbody tr", new PageWaitForSelectorOptions { Timeout = 30_000 });
        var rows = await page.Locator("[data-testid=user-top] tbody tr").CountAsync();
        var reasons = await page.Locator("[data-testid=user-why]").AllTextContentsAsync();
        var status = await page.TextContentAsync("[data-testid=status]");
        var rooms = await page.TextContentAsync("[data-testid=live-rooms]");
        var artifacts = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts"));
        var screenshot = Path.Combine(artifacts.FullName, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        if (Environment.GetEnvironmentVariable("STREAMREC_SCREENSHOT") is { Length: > 0 } copy)
        {
            File.Copy(screenshot, copy, overwrite: true);
        }

        await demo.WaitForExitAsync(timeout.Token);
        var output = await demo.StandardOutput.ReadToEndAsync(timeout.Token);

        Assert.InRange(rows, 1, 10);
        Assert.Contains(reasons, text => FeatureExtractor.FeatureNames.Any(name => text.StartsWith(name, StringComparison.Ordinal)));
        Assert.Equal("live", status);
        Assert.True(int.Parse(rooms!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(new FileInfo(screenshot).Length > 10_000);
        Assert.True(demo.ExitCode == 0, $"demo exited with {demo.ExitCode}: {await stderr}");
        var summary = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        // How many depends on how much CPU the machine spares the producer (CI runs test assemblies side by side).
        Assert.True(summary.GetProperty("events_produced").GetInt64() > 0);
        Assert.True(summary.GetProperty("deltas_out").GetInt64() > 0);
        Assert.True(summary.GetProperty("online_cases").GetInt64() > 0);
        Assert.True(summary.GetProperty("freshness_p99_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task Demo_UnparsableDuration_ExitsWithUsageError()
    {
        using var demo = StartDemo("--duration", "soon");
        var error = await demo.StandardError.ReadToEndAsync();
        await demo.WaitForExitAsync();

        Assert.Equal(2, demo.ExitCode);
        Assert.Contains("--duration 'soon'", error, StringComparison.Ordinal);
    }

    private static Process StartDemo(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "streamrec.dll"));
        start.ArgumentList.Add("demo");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    /// <summary>The demo prints the dashboard's address on a line of its own first.</summary>
    private static async Task<Uri> DashboardUrlAsync(Process demo, CancellationToken cancellationToken)
    {
        while (await demo.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("Dashboard: ", StringComparison.Ordinal))
            {
                return new Uri(line["Dashboard: ".Length..]);
            }
        }

        throw new InvalidOperationException($"The demo ended (exit {demo.ExitCode}) without printing its dashboard address.");
    }
}
