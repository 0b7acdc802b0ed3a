# docker-compose.yml's deployment: the site's web service, and the network the site's processes
# (web, worker, beat) purge from. Tests write their own site.vcl beside a gunicorn on a free port.
backend default {
    .host = "web";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 35s;  # gunicorn gives up on a request after 30 s
}

acl purgers {
    "172.30.57.0"/24;
}
