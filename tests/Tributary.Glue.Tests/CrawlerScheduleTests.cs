using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tributary.Aws;
using Tributary.Glue.Catalog;
using Tributary.Glue.Crawlers;
using Tributary.ObjectStores;

namespace Tributary.Glue.Tests;

/// <summary>Glue's cron expressions (<see cref="CronSchedule"/>) and the registry running schedules against a clock the test moves.</summary>
public sealed class CrawlerScheduleTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tributary-glue-schedule-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("cron(15 12 * * ? *)", "2026-12-07T05:42", "2026-12-07T12:15")]
    [InlineData("cron(15 12 * * ? *)", "2026-12-07T12:15", "2026-12-08T12:15")]
    [InlineData("cron(0/15 * * * ? *)", "2026-12-07T05:42", "2026-12-07T05:45")]
    [InlineData("cron(0/15 * * * ? *)", "2026-12-07T23:50", "2026-12-08T00:00")]
    [InlineData("cron(0 18 ? * MON-FRI *)", "2026-12-05T10:00", "2026-12-07T18:00")] // Saturday → Monday
    [InlineData("cron(0 8 1 * ? *)", "2026-12-07T05:42", "2027-01-01T08:00")]
    [InlineData("cron(0/10 * ? * MON-FRI *)", "2026-12-04T23:55", "2026-12-07T00:00")] // Friday night → Monday
    [InlineData("cron(0 0 L * ? *)", "2027-02-03T00:00", "2027-02-28T00:00")]
    [InlineData("cron(0 0 L * ? *)", "2028-02-03T00:00", "2028-02-29T00:00")]
    [InlineData("cron(30 9 15W * ? *)", "2026-11-01T00:00", "2026-11-16T09:30")] // the 15th is a Sunday
    [InlineData("cron(0 12 LW * ? *)", "2026-05-01T00:00", "2026-05-29T12:00")] // the 31st is a Sunday
    [InlineData("cron(0 12 ? * 6#3 *)", "2026-12-01T00:00", "2026-12-18T12:00")] // third Friday
    [InlineData("cron(0 12 ? * 2L *)", "2026-12-01T00:00", "2026-12-28T12:00")] // last Monday
    [InlineData("cron(0 0 1 JAN ? 2030)", "2026-12-07T00:00", "2030-01-01T00:00")]
    [InlineData("cron(5,35 3-4 * * ? *)", "2026-12-07T03:40", "2026-12-07T04:05")]
    public void Next_follows_glues_cron_rules(string expression, string after, string expected)
    {
        var next = CronSchedule.Parse(expression).Next(DateTimeOffset.Parse(after + "Z", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeOffset.Parse(expected + "Z", System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Fact]
    public void A_schedule_whose_years_are_past_never_fires_again()
    {
        Assert.Null(CronSchedule.Parse("cron(0 0 1 1 ? 2020)").Next(Utc(2026, 12, 7, 0, 0)));
    }

    [Theory]
    [InlineData("15 12 * * ? *", "expected cron(")]
    [InlineData("cron(15 12 * * ?)", "six fields")]
    [InlineData("cron(15 12 * * * *)", "must be ?")]
    [InlineData("cron(15 12 ? * ? *)", "must be ?")]
    [InlineData("cron(60 12 * * ? *)", "Minutes value 60 is not in 0–59")]
    [InlineData("cron(0 12 * FOO ? *)", "Month value FOO")]
    [InlineData("cron(0 12 ? * 8 *)", "Day-of-week value 8")]
    [InlineData("cron(0 5-3 * * ? *)", "runs backwards")]
    [InlineData("cron(* * * * ? *)", "more often than every 5 minutes")]
    [InlineData("cron(0/2 * * * ? *)", "more often than every 5 minutes")]
    [InlineData("cron(58 * * * ? *)", null)] // once an hour
    [InlineData("cron(0,58 * * * ? *)", "more often than every 5 minutes")] // 58 then 0 of the next hour
    [InlineData("cron(0,58 3 * * ? *)", null)] // one hour a day: 58 and 0 are a day apart
    public void Parse_refuses_what_glue_refuses(string expression, string? error)
    {
        if (error is null)
        {
            Assert.Equal(expression, CronSchedule.Parse(expression).Expression);
            return;
        }
        var e = Assert.Throws<FormatException>(() => CronSchedule.Parse(expression));
        Assert.Contains(error, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Invalid schedule expression {expression}", e.Message, StringComparison.Ordinal);
    }

    private static JsonObject Definition(string name, string? schedule) => new()
    {
        ["Name"] = name,
        ["Role"] = "arn:aws:iam::000000000000:role/glue",
        ["DatabaseName"] = "lake",
        ["Targets"] = new JsonObject { ["S3Targets"] = new JsonArray(new JsonObject { ["Path"] = "s3://lake/events/" }) },
        ["Schedule"] = schedule,
    };

    private static async Task<JsonObject> WaitForLastCrawlAsync(CrawlerRegistry crawlers, string name, int crawls)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var crawler = crawlers.Get(name);
            if ((string)crawler["State"]! == CrawlerRegistry.Ready && crawlers.Runs(name) >= crawls)
            {
                return crawler;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"crawler {name} did not finish {crawls} crawls: {crawlers.Get(name)}");
    }

    [Fact]
    public async Task A_scheduled_crawler_runs_at_its_times_and_stops_when_its_schedule_is_stopped()
    {
        var objects = Path.Combine(_directory, "objects");
        Directory.CreateDirectory(Path.Combine(objects, "lake", "events"));
        File.WriteAllText(Path.Combine(objects, "lake", "events", "a.json"), "{\"id\":1,\"kind\":\"x\"}\n");
        var catalog = DataCatalog.Open(Path.Combine(_directory, "glue", "catalog.json"));
        catalog.CreateDatabase(new JsonObject { ["Name"] = "lake" });
        var clock = new FakeTimeProvider(Utc(2026, 12, 7, 5, 42));
        var path = Path.Combine(_directory, "glue", "crawlers.json");
        await using (var crawlers = CrawlerRegistry.Open(path, catalog, new LocalDirectoryStore(objects), Path.Combine(_directory, "cache"), time: clock))
        {
            crawlers.Create(Definition("every5", "cron(0/5 * * * ? *)"));
            crawlers.Create(Definition("manual", null));
            var schedule = crawlers.Get("every5")["Schedule"]!;
            Assert.Equal("cron(0/5 * * * ? *)", (string)schedule["ScheduleExpression"]!);
            Assert.Equal(CrawlerRegistry.Scheduled, (string)schedule["State"]!);
            Assert.Null(crawlers.Get("manual")["Schedule"]);

            // 05:42 → 05:44: not yet due.
            clock.Advance(TimeSpan.FromMinutes(2));
            await Task.Delay(200);
            Assert.Equal(0, crawlers.Runs("every5"));
            // 05:45: the first run.
            clock.Advance(TimeSpan.FromMinutes(1));
            var crawled = await WaitForLastCrawlAsync(crawlers, "every5", 1);
            Assert.Equal("SUCCEEDED", (string)crawled["LastCrawl"]!["Status"]!);
            Assert.Equal("events", (string)catalog.ListTables("lake").Single()["Name"]!);
            // 05:50: the second.
            clock.Advance(TimeSpan.FromMinutes(5));
            await WaitForLastCrawlAsync(crawlers, "every5", 2);
            Assert.Equal(0, crawlers.Runs("manual"));

            var running = Assert.Throws<AwsErrorException>(() => crawlers.StartSchedule("every5"));
            Assert.Equal("SchedulerRunningException", running.ErrorType);
            crawlers.StopSchedule("every5");
            Assert.Equal(CrawlerRegistry.NotScheduled, (string)crawlers.Get("every5")["Schedule"]!["State"]!);
            clock.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(300);
            Assert.Equal(2, crawlers.Runs("every5"));
            Assert.Equal("SchedulerNotRunningException", Assert.Throws<AwsErrorException>(() => crawlers.StopSchedule("every5")).ErrorType);
            Assert.Equal("NoScheduleException", Assert.Throws<AwsErrorException>(() => crawlers.StartSchedule("manual")).ErrorType);
            Assert.Equal("SchedulerNotRunningException", Assert.Throws<AwsErrorException>(() => crawlers.StopSchedule("manual")).ErrorType);

            // A new expression keeps the state (NOT_SCHEDULED); a bad one is InvalidInputException and changes nothing.
            crawlers.UpdateSchedule("every5", "cron(0 * * * ? *)");
            Assert.Equal(CrawlerRegistry.NotScheduled, (string)crawlers.Get("every5")["Schedule"]!["State"]!);
            var invalid = Assert.Throws<AwsErrorException>(() => crawlers.UpdateSchedule("every5", "cron(* * * * ? *)"));
            Assert.Equal("InvalidInputException", invalid.ErrorType);
            Assert.Equal("cron(0 * * * ? *)", (string)crawlers.Get("every5")["Schedule"]!["ScheduleExpression"]!);
            // A crawler without a schedule gets one, SCHEDULED.
            crawlers.UpdateSchedule("manual", "cron(30 6 * * ? *)");
            Assert.Equal(CrawlerRegistry.Scheduled, (string)crawlers.Get("manual")["Schedule"]!["State"]!);
            crawlers.StartSchedule("every5");
        }

        // The schedules and their states survive a restart, and run after it.
        await using (var reopened = CrawlerRegistry.Open(path, catalog, new LocalDirectoryStore(objects), Path.Combine(_directory, "cache"), time: clock))
        {
            Assert.Equal(CrawlerRegistry.Scheduled, (string)reopened.Get("every5")["Schedule"]!["State"]!);
            Assert.Equal("cron(30 6 * * ? *)", (string)reopened.Get("manual")["Schedule"]!["ScheduleExpression"]!);
            // The clock is at 06:00; the first tick computes the next hour (07:00), the one after that runs it; 06:30 runs "manual".
            clock.Advance(TimeSpan.FromSeconds(1));
            clock.Advance(TimeSpan.FromMinutes(30));
            await WaitForLastCrawlAsync(reopened, "manual", 1);
            Assert.Equal(2, reopened.Runs("every5"));
            clock.Advance(TimeSpan.FromMinutes(30));
            await WaitForLastCrawlAsync(reopened, "every5", 3);
            // An empty expression removes the schedule.
            reopened.UpdateSchedule("every5", "");
            Assert.Null(reopened.Get("every5")["Schedule"]);
        }
    }
}
