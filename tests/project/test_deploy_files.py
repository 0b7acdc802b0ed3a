"""docker-compose.yml and the Dockerfile stay in step with the Makefile and the settings.

There is no Docker engine on the build machines, so these files are checked by reading them.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()
GUNICORN_CONF = (ROOT / "gunicorn.conf.py").read_text()
# What reads the environment: Django's settings and gunicorn's.
SETTINGS = (
    (ROOT / "compsite" / "settings.py").read_text()
    + (ROOT / "compsite" / "environment.py").read_text()
    + GUNICORN_CONF
)


def make_recipe(target: str) -> list[str]:
    """The recipe lines of a Makefile target, with the virtualenv prefixes removed."""
    match = re.search(rf"^{target}:.*\n((?:\t.*\n)+)", MAKEFILE, re.MULTILINE)
    assert match, f"Makefile has no {target} target"
    lines = [line.strip() for line in match.group(1).splitlines()]
    return [
        re.sub(r"\$\((VENV)\)/bin/|\$\(PY\)", lambda m: "" if m.group(1) else "python", line)
        for line in lines
    ]


def command(service: str) -> str:
    value = COMPOSE["services"][service]["command"]
    return value if isinstance(value, str) else shlex.join(value)


def test_compose_runs_every_process_of_the_design():
    assert {"web", "worker", "beat", "db", "redis", "mail"} <= set(COMPOSE["services"])
    assert COMPOSE["services"]["db"]["image"].startswith("postgres:")
    assert COMPOSE["services"]["redis"]["image"].startswith("redis:")
    assert "mailpit" in COMPOSE["services"]["mail"]["image"]


def test_process_commands_match_the_makefile():
    web_steps = [step.strip() for step in shlex.split(command("web"))[2].split("&&")]
    assert web_steps == [*make_recipe("deploy-prepare"), *make_recipe("web")]
    assert command("worker") == make_recipe("worker")[0]
    assert command("beat") == make_recipe("beat")[0]
    assert make_recipe("worker")[0].startswith("celery -A compsite worker")
    assert make_recipe("beat")[0].startswith("celery -A compsite beat")
    assert make_recipe("web")[0].startswith("gunicorn compsite.wsgi")


def test_dockerfile_default_command_is_the_web_process():
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE).group(1)
    assert " ".join(yaml.safe_load(cmd)) == make_recipe("web")[0]


def test_image_uses_the_projects_python_and_the_lock_file():
    python = (ROOT / ".python-version").read_text().strip()
    assert re.search(rf"^FROM python:{re.escape(python)}", DOCKERFILE, re.MULTILINE)
    assert "uv sync --frozen --no-dev" in DOCKERFILE
    assert "UV_PYTHON_DOWNLOADS=never" in DOCKERFILE
    assert "collectstatic --noinput" in DOCKERFILE


def test_app_services_share_one_configuration_naming_only_known_variables():
    services = COMPOSE["services"]
    environments = [services[name]["environment"] for name in ("web", "worker", "beat")]
    assert environments[0] == environments[1] == environments[2]
    for variable in environments[0]:
        assert f'"{variable}"' in SETTINGS, (
            f"{variable} is set in compose but never read by settings or gunicorn.conf.py"
        )
    assert environments[0]["REDIS_URL"].startswith("redis://redis:")
    assert environments[0]["DATABASE_URL"].startswith("postgres://")
    assert "@db:" in environments[0]["DATABASE_URL"]
    mail_port = environments[0]["EMAIL_URL"].rsplit(":", 1)[1]
    assert environments[0]["EMAIL_URL"].startswith("smtp://mail:") and mail_port == "1025"


def test_compose_database_credentials_match_its_url():
    db = COMPOSE["services"]["db"]["environment"]
    url = COMPOSE["services"]["web"]["environment"]["DATABASE_URL"]
    assert (
        url
        == f"postgres://{db['POSTGRES_USER']}:{db['POSTGRES_PASSWORD']}@db:5432/{db['POSTGRES_DB']}"
    )


def test_services_have_health_checks_that_use_the_health_endpoint():
    services = COMPOSE["services"]
    for name in ("web", "worker", "db", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "HEALTHCHECK" in DOCKERFILE and "/healthz" in DOCKERFILE
    # The app waits for healthy data services instead of racing them.
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["worker"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_the_health_probe_host_is_allowed():
    hosts = COMPOSE["services"]["web"]["environment"]["ALLOWED_HOSTS"].split(",")
    assert "127.0.0.1" in hosts


def test_web_runs_gunicorn_with_its_config_file():
    assert "--config gunicorn.conf.py" in make_recipe("web")[0]
    assert (ROOT / "gunicorn.conf.py").exists()


GUNICORN_PROBE = """
import json
from gunicorn.app.base import Application
from gunicorn.config import Config

app = Application.__new__(Application)
app.cfg = Config()
app.load_config_from_file("gunicorn.conf.py")
print(json.dumps({name: getattr(app.cfg, name)
                  for name in ("bind", "forwarded_allow_ips", "forwarder_headers")}))
"""


def gunicorn_config(**env: str) -> dict:
    """gunicorn.conf.py as gunicorn itself reads it, with only ``env`` of its variables set."""
    clean = {
        k: v for k, v in os.environ.items() if k not in ("GUNICORN_BIND", "FORWARDED_ALLOW_IPS")
    }
    result = subprocess.run(
        [sys.executable, "-c", GUNICORN_PROBE], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_gunicorn_listens_only_where_the_proxy_reaches_it_and_trusts_only_the_proxies():
    config = gunicorn_config()
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["forwarded_allow_ips"] == ["127.0.0.1/32"]
    # No header may set SCRIPT_NAME or PATH_INFO, not even a trusted proxy's.
    assert config["forwarder_headers"] == []
    ranges = gunicorn_config(FORWARDED_ALLOW_IPS="127.0.0.1,172.30.57.0/24")
    assert ranges["forwarded_allow_ips"] == ["127.0.0.1/32", "172.30.57.0/24"]


def test_gunicorn_refuses_to_start_with_a_bad_proxy_list():
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    result = subprocess.run(
        [gunicorn, "--check-config", "compsite.wsgi", "--config", "gunicorn.conf.py"],
        cwd=ROOT, env={**os.environ, "FORWARDED_ALLOW_IPS": "*"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "FORWARDED_ALLOW_IPS='*' is not valid" in result.stdout + result.stderr


def test_in_compose_gunicorn_is_not_published_and_only_the_network_is_trusted():
    services = COMPOSE["services"]
    assert "ports" not in services["web"]
    web = services["web"]["environment"]
    subnets = [config["subnet"] for config in COMPOSE["networks"]["default"]["ipam"]["config"]]
    assert web["FORWARDED_ALLOW_IPS"].split(",") == subnets
    assert web["GUNICORN_BIND"].endswith(":8000")
    proxy = services["proxy"]
    assert proxy["ports"] == ["8443:8443"]
    assert proxy["image"].startswith("caddy:2.6")  # the version the proxy tests run
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert "/etc/caddy/Caddyfile" in command("proxy")
    # The proxy passes everything to the HTTP cache, which passes misses to web.
    assert proxy["environment"]["PROXY_UPSTREAM"] == "cache:80"
    cache = services["cache"]
    assert cache["image"].startswith("varnish:7.1")  # the version the cache tests run
    assert "./deploy/varnish:/etc/varnish:ro" in cache["volumes"]
    assert "-f /etc/varnish/default.vcl" in command("cache")
    site_vcl = (ROOT / "deploy" / "varnish" / "site.vcl").read_text()
    assert '.host = "web";' in site_vcl and '.port = "8000";' in site_vcl
    assert f'"{subnets[0].split("/")[0]}"/{subnets[0].split("/")[1]};' in site_vcl  # purgers
    assert web["CACHE_PURGE_URLS"] == "http://cache/"
    assert proxy["environment"]["PROXY_ADDRESS"] == web["SITE_URL"]
