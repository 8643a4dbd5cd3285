using K8sSecrets.Configuration.ExternalSecrets.Rules;

namespace K8sSecrets.Configuration.ExternalSecrets.Tests;

/// <summary>
/// <c>refreshInterval</c> is a Go duration (metav1.Duration, parsed by <c>time.ParseDuration</c>).
/// Every row of Go's <c>parseDurationTests</c> and <c>parseDurationErrorTests</c>: golang/go,
/// src/time/time_test.go at commit f7396aaea0297a2e95b502a4075b0aed6efda89f (rule: src/time/format.go).
/// </summary>
public sealed class GoDurationTableTests
{
    private const long Second = 1_000_000_000;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;

    public static TheoryData<string, long> Valid => new()
    {
        // simple
        { "0", 0 },
        { "5s", 5 * Second },
        { "30s", 30 * Second },
        { "1478s", 1478 * Second },

        // sign
        { "-5s", -5 * Second },
        { "+5s", 5 * Second },
        { "-0", 0 },
        { "+0", 0 },

        // decimal
        { "5.0s", 5 * Second },
        { "5.6s", (5 * Second) + 600_000_000 },
        { "5.s", 5 * Second },
        { ".5s", 500_000_000 },
        { "1.0s", Second },
        { "1.00s", Second },
        { "1.004s", Second + 4_000_000 },
        { "1.0040s", Second + 4_000_000 },
        { "100.00100s", (100 * Second) + 1_000_000 },

        // different units
        { "10ns", 10 },
        { "11us", 11_000 },
        { "12\u00b5s", 12_000 },
        { "12\u03bcs", 12_000 },
        { "13ms", 13_000_000 },
        { "14s", 14 * Second },
        { "15m", 15 * Minute },
        { "16h", 16 * Hour },

        // composite durations
        { "3h30m", (3 * Hour) + (30 * Minute) },
        { "10.5s4m", (4 * Minute) + (10 * Second) + 500_000_000 },
        { "-2m3.4s", -((2 * Minute) + (3 * Second) + 400_000_000) },
        { "1h2m3s4ms5us6ns", Hour + (2 * Minute) + (3 * Second) + 4_000_000 + 5_000 + 6 },
        { "39h9m14.425s", (39 * Hour) + (9 * Minute) + (14 * Second) + 425_000_000 },

        // large value
        { "52763797000ns", 52763797000 },

        // more than 9 digits after decimal point
        { "0.3333333333333333333h", 20 * Minute },

        // 1<<53+1 cannot be stored precisely in a float64
        { "9007199254740993ns", (1L << 53) + 1 },

        // largest duration that can be represented by int64 in nanoseconds
        { "9223372036854775807ns", long.MaxValue },
        { "9223372036854775.807us", long.MaxValue },
        { "9223372036s854ms775us807ns", long.MaxValue },
        { "-9223372036854775808ns", long.MinValue },
        { "-9223372036854775.808us", long.MinValue },
        { "-9223372036s854ms775us808ns", long.MinValue },

        // largest negative value
        { "-9223372036854775808ns", long.MinValue },

        // largest negative round trip value
        { "-2562047h47m16.854775808s", long.MinValue },

        // huge string
        { "0.100000000000000000000h", 6 * Minute },

        // the first overflow check in leadingFraction
        { "0.830103483285477580700h", (49 * Minute) + (48 * Second) + 372539827 },
    };

    /// <summary>The error rows. Go's rows with invalid UTF-8 bytes (<c>\x85</c>, <c>\xff</c>) are the U+FFFD a .NET string (and the YAML reader) holds for them.</summary>
    public static TheoryData<string> Invalid => new()
    {
        "",
        "3",
        "-",
        "s",
        ".",
        "-.",
        ".s",
        "+.s",
        "1d",
        "\ufffd\ufffd",
        "\ufffdff",
        "hello \ufffdff world",
        "\ufffd",
        "\ufffd hello \ufffd world",

        // overflow
        "9223372036854775810ns",
        "9223372036854775808ns",
        "-9223372036854775809ns",
        "9223372036854776us",
        "3000000h",
        "9223372036854775.808us",
        "9223372036854ms775us808ns",
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void A_valid_duration_parses_to_the_nanosecond(string text, long nanoseconds)
    {
        Assert.True(GoDuration.TryParseNanoseconds(text, out var parsed), text);
        Assert.Equal(nanoseconds, parsed);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_duration_is_refused(string text)
        => Assert.False(GoDuration.TryParseNanoseconds(text, out _), text);

    [Fact]
    public void A_negative_refreshInterval_is_accepted_and_reads_once_as_the_controller_does_not_requeue()
    {
        using var m = new Manifest();
        var store = new MemoryStore("memory", ExternalSecretValueRules.LiteralThenPath);
        store.Values["app"] = "v";
        var path = m.Write("""
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: app
            spec:
              refreshInterval: -5s
              secretStoreRef:
                name: store
              data:
              - secretKey: value
                remoteRef: {key: app}
            ---
            apiVersion: external-secrets.io/v1
            kind: SecretStore
            metadata:
              name: store
            spec:
              provider:
                memory: {}
            """);

        var config = m.Build(path, es => es.AddStore(store));

        Assert.Equal("v", config["value"]);
        Assert.Null(store.LastRequest!.RefreshInterval);
    }
}
