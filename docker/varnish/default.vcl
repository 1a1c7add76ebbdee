# Varnish in front of the web replicas (docker/compose.yaml, profile "scaled").
# What may be stored is the application's decision: public pages come with
# Cache-Control s-maxage, pages for one visitor with private, no-store.
# Wagtail purges changed URLs with HTTP PURGE (FRONTEND_CACHE_VARNISH_URLS).
#
# The backends and who may purge live in backends.vcl, next to this file
# (compose: two replicas on the backend network; the integration test writes
# its own with ports on 127.0.0.1). Start varnishd with -p vcl_path=<this folder>.
vcl 4.1;

import directors;

include "backends.vcl";

sub vcl_init {
    new web = directors.round_robin();
    web.add_backend(web_a);
    web.add_backend(web_b);
}

sub vcl_recv {
    set req.backend_hint = web.backend();

    if (req.method == "PURGE") {
        # Only the replicas (and workers) on the backend network, never a reader.
        if (client.ip !~ purgers) {
            return (synth(405, "Purging is not allowed from " + client.ip));
        }
        return (purge);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Pages for one visitor, and answers that must always be fresh.
    if (req.url ~ "^/(admin|django-admin|interview|healthz|i18n)(/|$)") {
        return (pass);
    }
    # Someone signed in (an editor) or with a questionnaire open sees the site itself.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Any other cookie (csrftoken, a language choice) changes no public page.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # One site: the path alone names a page, whichever Host a reader or a
    # purge sends (Wagtail purges with the site's host name, readers may use
    # another; the replicas check the Host header themselves).
    hash_data(req.url);
    # Behind a TLS proxy, http gets a redirect to https: never the same copy.
    if (req.http.X-Forwarded-Proto) {
        hash_data(req.http.X-Forwarded-Proto);
    }
    return (lookup);
}

sub vcl_backend_response {
    # A response that sets a cookie or says private is never stored, whatever
    # else it says (Varnish's built-in rule only looks at Cache-Control when
    # there is no Surrogate-Control).
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(?i)private|no-store") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Surrogate-Control is for us; browsers and other caches only see Cache-Control.
    unset beresp.http.Surrogate-Control;
}

sub vcl_deliver {
    # Age and X-Varnish show a hit too; this says it in a word.
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
