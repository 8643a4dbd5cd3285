using System.Globalization;

namespace K8sSecrets.Configuration;

/// <summary>Reading bodies with a size cap, and <c>Retry-After</c>.</summary>
public static partial class SecretStoreHttp
{
    /// <summary>The default cap of a response body: 32 MiB, the most Vault itself accepts in a request.</summary>
    public const int DefaultMaxBodyBytes = 32 * 1024 * 1024;

    private static readonly string[] s_obsoleteDateFormats = ["dddd, dd-MMM-yy HH:mm:ss 'GMT'", "ddd MMM d HH:mm:ss yyyy"];

    /// <summary>Reads a response body of at most <see cref="DefaultMaxBodyBytes"/>.</summary>
    /// <param name="response">The response, sent with <see cref="SendAsync"/>.</param>
    /// <param name="store">How the store is named in errors.</param>
    /// <param name="timeout">How long the body may take to arrive.</param>
    /// <param name="cancellationToken">Cancels the read; its cancellation is not turned into an error.</param>
    /// <returns>The body's bytes.</returns>
    /// <exception cref="SecretSourceException">The body is too large, was cut short or did not arrive in time.</exception>
    public static Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string store, TimeSpan timeout, CancellationToken cancellationToken)
        => ReadBodyAsync(response, store, DefaultMaxBodyBytes, timeout, cancellationToken);

    /// <summary>
    /// Reads a response body of at most <paramref name="maxBytes"/>: a larger one is refused as soon
    /// as it is announced or read, never buffered whole. Errors never quote the body.
    /// </summary>
    /// <param name="response">The response, sent with <see cref="SendAsync"/>.</param>
    /// <param name="store">How the store is named in errors.</param>
    /// <param name="maxBytes">The largest body accepted.</param>
    /// <param name="timeout">How long the body may take to arrive.</param>
    /// <param name="cancellationToken">Cancels the read; its cancellation is not turned into an error.</param>
    /// <returns>The body's bytes.</returns>
    /// <exception cref="SecretSourceException">The body is too large, was cut short or did not arrive in time.</exception>
    public static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string store, int maxBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentException.ThrowIfNullOrEmpty(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        var path = PathOf(response.RequestMessage);
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw TooLarge(store, path, maxBytes);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var body = new MemoryStream();
                var chunk = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(chunk, deadline.Token).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > maxBytes)
                    {
                        throw TooLarge(store, path, maxBytes);
                    }

                    body.Write(chunk, 0, read);
                }

                return body.ToArray();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw Invalid(store, path, "the body was cut short", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Invalid(store, path, $"the body did not arrive in time (timeout {timeout.TotalSeconds:0} s)", ex);
        }
    }

    /// <summary>
    /// Gets the wait a response's <c>Retry-After</c> header asks for (see <see cref="ParseRetryAfter"/>).
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="time">The clock an HTTP-date is measured against.</param>
    /// <returns>The wait, or <see langword="null"/> when there is no usable header.</returns>
    public static TimeSpan? GetRetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.NonValidated.TryGetValues("Retry-After", out var values)
            ? ParseRetryAfter(values.ToString(), time)
            : null;
    }

    /// <summary>
    /// Parses a <c>Retry-After</c> value: delta-seconds or an HTTP-date. A date in the past, or a
    /// negative number, is a wait of zero; a wait is never longer than
    /// <see cref="SecretRetryPolicy.LongestWait"/> (the retry policy caps it further).
    /// </summary>
    /// <param name="value">The header's value.</param>
    /// <param name="time">The clock an HTTP-date is measured against.</param>
    /// <returns>The wait, or <see langword="null"/> when the value is neither form.</returns>
    public static TimeSpan? ParseRetryAfter(string? value, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds >= (decimal)SecretRetryPolicy.LongestWait.TotalSeconds ? SecretRetryPolicy.LongestWait
                : seconds <= 0 ? TimeSpan.Zero
                : TimeSpan.FromSeconds((double)seconds);
        }

        const DateTimeStyles Utc = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;
        if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, Utc, out var date)
            || DateTimeOffset.TryParseExact(text, s_obsoleteDateFormats, CultureInfo.InvariantCulture, Utc | DateTimeStyles.AllowInnerWhite, out date))
        {
            return SecretRetryPolicy.Clamp(date - time.GetUtcNow());
        }

        return null;
    }

    private static SecretSourceException TooLarge(string store, string path, int maxBytes)
        => Invalid(store, path, $"the body is larger than {Size(maxBytes)}, the most accepted from a store (a proxy or the wrong address?)", null);

    private static string Size(int bytes)
        => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes} bytes";
}
