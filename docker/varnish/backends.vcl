# The compose stack's backends (profile "scaled"): two web replicas on the
# backend network. The integration test writes its own file of this shape.
probe healthz {
    .url = "/healthz/";
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
