"""Scale-out on loopback: two separate web servers share PostgreSQL and Redis and behave as one.

Runs when DATABASE_URL points at PostgreSQL and REDIS_URL is set (CI's second pass); it builds
its own database, so it does not touch the test database of the rest of the suite.
"""

from __future__ import annotations

import concurrent.futures
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = pytest.mark.skipif(
    not (DATABASE_URL.startswith("postgres") and REDIS_URL),
    reason="needs DATABASE_URL=postgres://… and REDIS_URL",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def two_servers():
    base, _, _ = DATABASE_URL.rpartition("/")
    name = f"anxin_scaleout_{os.getpid()}"
    admin = base + "/postgres"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    data_dir = tempfile.mkdtemp(prefix="anxin-scaleout-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "anxin.settings",
        "DATABASE_URL": f"{base}/{name}",
        "REDIS_URL": REDIS_URL.rsplit("/", 1)[0] + "/7",
        "ANXIN_DATA_DIR": data_dir,
        "ANXIN_PUBLIC_FORM_RATE": "3/m",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*manage, "collectstatic", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    demo_env = {**env, "DEBUG": "true"}  # demo logins are created only in the demo
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=demo_env, check=True, capture_output=True)
    subprocess.run(
        [sys.executable, "-c", "import redis,os; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"],
        env=env,
        check=True,
    )
    token = subprocess.run(
        [*manage, "create_api_token", "--role", "agent", "--name", "scaleout"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ports = [_free_port(), _free_port()]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    servers = [
        subprocess.Popen(
            [
                gunicorn,
                "anxin.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--worker-class",
                "gthread",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    try:
        for port in ports:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
        yield [f"http://127.0.0.1:{p}" for p in ports], token
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name}"], capture_output=True)


def _post(url: str, token: str, body: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        url + "/api/v1/orders",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_one_idempotency_key_gives_one_order_across_servers(two_servers):
    urls, token = two_servers
    body = {"phone": "13612340000", "brand": "乐创", "description": "并发重试"}
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: _post(urls[i % 2], token, body, "retry-1"), range(8)))
    numbers = {r[1]["number"] for r in results}
    assert len(numbers) == 1, results
    assert sorted(r[0] for r in results).count(201) == 1


def test_order_numbers_stay_unique_under_concurrent_intake_on_both_servers(two_servers):
    urls, token = two_servers
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda i: _post(urls[i % 2], token, {"phone": f"1370000{i:04d}"}, f"k-{i}"), range(40))
        )
    assert all(status == 201 for status, _ in results), results
    assert len({body["number"] for _, body in results}) == 40


def test_sessions_and_the_form_rate_limit_are_shared_through_the_database_and_redis(two_servers):
    """The CSRF cookie from server A is accepted by server B; the 3/min limit counts both servers' posts."""
    urls, _ = two_servers
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(urls[0] + "/repair/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    statuses = []
    for i in range(4):
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "phone": f"1390000{i:04d}"}).encode()
        request = urllib.request.Request(
            urls[(i + 1) % 2] + "/repair/", data=form, method="POST", headers={"Referer": urls[0]}
        )
        try:
            statuses.append(opener.open(request).status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    assert statuses == [200, 200, 200, 429]  # 200: redirected to the tracking page
