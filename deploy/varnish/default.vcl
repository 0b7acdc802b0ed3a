# The HTTP cache in front of the site (Varnish 7 with varnish-modules' xkey).
#
# The site's responses decide what is cached (compsite/http_cache.py): `Cache-Control: public,
# max-age=0, s-maxage=N` for pages that are the same for every visitor, with their surrogate keys
# in `Surrogate-Key` and the grace in `CDN-Cache-Control`; `private, no-store` for anything else.
# After a change the site sends `PURGE` with the keys it touched (compsite/purge.py).
vcl 4.1;

import std;
import xkey;

# What differs between deployments: the backend, and the addresses that may purge (acl purgers).
include "site.vcl";

sub vcl_recv {
    if (req.method == "PURGE") {
        # Only the site's own processes, directly. Varnish has set X-Forwarded-For to the
        # client's address; a comma means a proxy in front (Caddy) had set it already: the PURGE
        # was relayed from a reader, however trusted the proxy's own address is.
        if (client.ip !~ purgers || req.http.X-Forwarded-For ~ ",") {
            return (synth(403, "Purging is not allowed from this address."));
        }
        if (!req.http.Surrogate-Key) {
            return (synth(400, "PURGE needs a Surrogate-Key header."));
        }
        return (synth(200, "Purged " + xkey.purge(req.http.Surrogate-Key) + " objects."));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Editors, and anybody with a session, get their own pages (the site answers them private).
    if (req.url ~ "^/admin(/|\?|$)" || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Where a vote without JavaScript lands: the voter's own copy, marking their choice.
    if (req.url ~ "[?&]voted=") {
        return (pass);
    }
    call aitv_normalise_query;
    # The builtin VCL would pass every request with a cookie. Cookies stay on the request (the
    # vote needs the reader's; a page never reads them), and the response decides instead.
    return (hash);
}

# Only the parameters pages read survive, sorted, so `?utm_source=…` or random strings cannot
# force misses. Keep this list in step with the views (docs/operations.md).
sub aitv_normalise_query {
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url,
            "([?&])(?!(?:page|comparisons_page|q|a|b|c|d|newsletter|category|licence|price|sort)=)[^&]*",
            "\1");
        set req.url = regsuball(req.url, "&{2,}", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]$", "");
        set req.url = std.querysort(req.url);
    }
}

sub vcl_backend_response {
    # Never stored: a response that sets a cookie or says it is one visitor's own. Remembered as
    # such for a while (hit-for-miss), so those requests go straight to the site.
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(private|no-store|no-cache)") {
        set beresp.uncacheable = true;
        set beresp.ttl = 2m;
        return (deliver);
    }
    # A failed refresh in the background leaves the stale copy in place, served within its grace.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # The lifetime is the response's s-maxage (Varnish reads it from Cache-Control); the grace
    # comes from CDN-Cache-Control (RFC 9213), which browsers never act on.
    set beresp.grace = 0s;
    if (beresp.http.CDN-Cache-Control ~ "stale-while-revalidate=[0-9]+") {
        set beresp.grace = std.duration(
            regsub(beresp.http.CDN-Cache-Control, "^.*stale-while-revalidate=([0-9]+).*$", "\1s"),
            0s);
    }
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    return (deliver);
}

sub vcl_deliver {
    # The keys and the grace are for caches; readers get the page and a note of whether it hit.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.CDN-Cache-Control;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
