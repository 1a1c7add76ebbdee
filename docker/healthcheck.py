"""Docker health probe for the web container: GET /healthz/ with the standard
library only (the slim image has no curl). Exit 0 when it answers 200.

The probe comes from inside the container over plain HTTP to 127.0.0.1, which
production settings would refuse twice over: the Host header is not in
ALLOWED_HOSTS, and SECURE_SSL_REDIRECT answers with a redirect to https. So it
names an allowed host and says, as the TLS-terminating proxy in front would,
that the request arrived over https.
"""

import os
import sys
import urllib.error
import urllib.request


def allowed_host() -> str:
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = entry.strip().lstrip(".")
        if host and host != "*" and "*" not in host:
            return host
    return "localhost"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect means the probe was misrouted (https, language): report it as such.
    def redirect_request(self, *args, **kwargs):
        return None


def main() -> int:
    port = os.environ.get("PORT", "8000")
    url = os.environ.get("HEALTHCHECK_URL", f"http://127.0.0.1:{port}/healthz/")
    request = urllib.request.Request(  # noqa: S310 - a fixed http URL we build
        url, headers={"Host": allowed_host(), "X-Forwarded-Proto": "https"}
    )
    try:
        opener = urllib.request.build_opener(_NoRedirect)
        with opener.open(request, timeout=float(os.environ.get("HEALTHCHECK_TIMEOUT", "5"))) as r:
            body = r.read(500).decode(errors="replace")
            status = r.status
    except urllib.error.HTTPError as error:
        print(f"unhealthy: HTTP {error.code} {error.read(500).decode(errors='replace')}")
        return 1
    except (OSError, ValueError) as error:
        print(f"unhealthy: {error}")
        return 1
    print(f"HTTP {status} {body}")
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
