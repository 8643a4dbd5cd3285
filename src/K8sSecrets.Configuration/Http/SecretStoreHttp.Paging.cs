namespace K8sSecrets.Configuration;

/// <summary>The paging rule of store listings.</summary>
public static partial class SecretStoreHttp
{
    /// <summary>
    /// The one rule for a paged listing: it is complete only when the store sends no next-page
    /// token. A listing still paging when a source has followed the most pages it allows is a failed
    /// read, never a shorter listing (the secrets past the cut would be missing, and the ones already
    /// loaded would be taken for deleted): the source throws this exception, so every key keeps its
    /// last good value. Retrying cannot fix it (the listing selects too much), so it is not transient.
    /// </summary>
    /// <param name="store">The store as error messages name it, for example <c>Secrets Manager at https://…</c>; no credential.</param>
    /// <param name="listing">What was listed, for example <c>the secrets whose name starts with 'prod/'</c>.</param>
    /// <param name="pages">The pages read before stopping (the source's cap).</param>
    /// <param name="fix">How to list fewer, for example a narrower prefix or filter.</param>
    /// <returns>The exception to throw.</returns>
    public static SecretSourceException ListingTruncated(string store, string listing, int pages, string fix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(listing);
        ArgumentException.ThrowIfNullOrWhiteSpace(fix);
        return new SecretSourceException(
            $"{store} still had more of {listing} after {pages.ToString(System.Globalization.CultureInfo.InvariantCulture)} pages, the most one read follows: the listing was truncated, so the read failed and every key keeps its last good value (nothing is taken for deleted). {fix}")
        {
            IsTransient = false,
        };
    }
}
