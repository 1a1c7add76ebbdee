# The compose stack's backends (profile "scaled"): two web replicas on the
# backend network. The integration test writes its own file of this shape.
# The probe says what the TLS proxy in front says (https) and names a host
# in ALLOWED_HOSTS (compose's default has localhost), or Django refuses it.
probe healthz {
    .request =
        "GET /healthz/ HTTP/1.1"
        "Host: localhost"
        "X-Forwarded-Proto: https"
        "Connection: close";
    .interval = 5s;
    .timeout = 3s;
    .window = 5;
    .threshold = 3;
}

backend web_a {
    .host = "web";
    .port = "8000";
    .probe = healthz;
}

backend web_b {
    .host = "web-b";
    .port = "8000";
    .probe = healthz;
}

# Who may PURGE: the backend network (replicas, workers), not its gateway,
# through which a published port's traffic could arrive.
acl purgers {
    "172.30.1.0"/24;
    ! "172.30.1.1";
}
