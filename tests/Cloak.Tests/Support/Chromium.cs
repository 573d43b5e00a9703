using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Cloak.Tests.Support;

/// <summary>
/// Debian's headless Chromium driven through Debian's chromedriver (packages chromium and
/// chromium-driver, installed by <c>./setup --deps</c>): no browser download, no network. A missing
/// package fails the tests that need it, naming the package: CI installs both, so a skip would only
/// hide a broken CI.
/// </summary>
internal sealed class Chromium : IDisposable
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    private readonly TempDirectory _profile = new();

    public Chromium(int width = 1280, int height = 800)
    {
        if (!File.Exists(BrowserPath))
            throw new InvalidOperationException($"{BrowserPath} is missing: install the Debian package 'chromium' (./setup --deps does)");
        if (!File.Exists(DriverPath))
            throw new InvalidOperationException($"{DriverPath} is missing: install the Debian package 'chromium-driver' (./setup --deps does)");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars", $"--user-data-dir={_profile.Path}", $"--window-size={width},{height}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
    }

    public ChromeDriver Driver { get; }

    /// <summary>Opens a local file and waits for it to load.</summary>
    public void Open(string path)
    {
        Driver.Navigate().GoToUrl(new Uri(Path.GetFullPath(path)).AbsoluteUri);
        Driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(60);
    }

    /// <summary>What the page logged to the console since the last call.</summary>
    public IReadOnlyList<LogEntry> ConsoleLog() => Driver.Manage().Logs.GetLog(LogType.Browser);

    public object? Script(string script, params object[] arguments) => Driver.ExecuteScript(script, arguments);

    /// <summary>A PNG of the viewport.</summary>
    public void Screenshot(string path) => Driver.GetScreenshot().SaveAsFile(path);

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        _profile.Dispose();
    }
}
