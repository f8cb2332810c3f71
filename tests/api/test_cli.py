"""The command line around the server: migrate, key create/revoke, serve
refusing a schema that is behind."""

import glob
import hashlib
import os
import re
import subprocess
import time

import pytest

from conftest import bdp_bin, free_port, uniq


def pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else name


def test_help(stack):
    r = subprocess.run([bdp_bin(), "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r
    assert "serve" in r.stdout + r.stderr
    r = subprocess.run([bdp_bin(), "serve", "--help"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 0, r
    assert "BDP_LISTEN" in r.stdout + r.stderr or "--listen" in r.stdout + r.stderr


def test_unknown_subcommand_fails(stack):
    r = subprocess.run([bdp_bin(), "frobnicate"], capture_output=True, text=True, timeout=10)
    assert r.returncode != 0


def test_migrate_is_idempotent(stack):
    stack.migrate()
    stack.migrate()


def test_migrate_waits_for_another_migrator_past_the_statement_timeout(stack):
    # The server bounds each statement by 30 s; a migration must not be: a
    # second migrator waits behind a long first one (here: its lock held for
    # longer than that), then finds nothing to do.
    holder = subprocess.Popen(["psql", "-X", "-q", "-At", "-d", stack.db_url, "-c",
                               "SELECT pg_advisory_lock(4242001); SELECT pg_sleep(33)"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 10
        while stack.psql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                         " AND objid = 4242001 AND granted") != "1":
            assert time.time() < deadline, "the lock was not taken"
            time.sleep(0.1)
        r = stack.bdp("migrate", check=False)
        assert holder.poll() is not None, "bdp migrate did not wait for the lock"
        assert r.returncode == 0, r.stderr
        assert "schema is current (0 applied now" in r.stderr, r.stderr
    finally:
        holder.kill()
        holder.wait()


def test_key_create_prints_key_alone_and_stores_hash(stack):
    r = stack.bdp("key", "create", "--name", uniq("k"), "--role", "reader")
    key = r.stdout
    assert re.fullmatch(r"bdp_[0-9a-f]{40}\n?", key), repr(key)
    key = key.strip()
    dump = subprocess.run([pg_bin("pg_dump"), "--data-only", "-d", stack.db_url], capture_output=True,
                          text=True, timeout=60)
    assert dump.returncode == 0, dump.stderr
    assert key not in dump.stdout, "the key is stored in clear"
    assert hashlib.sha256(key.encode()).hexdigest() in dump.stdout, "sha256 of the key not stored"


def test_key_create_bad_input(stack):
    name = uniq("k")
    stack.bdp("key", "create", "--name", name, "--role", "editor")
    assert stack.bdp("key", "create", "--name", name, "--role", "editor", check=False).returncode == 1
    assert stack.bdp("key", "create", "--name", uniq("k"), "--role", "king", check=False).returncode != 0
    r = stack.bdp("key", "create", "--name", uniq("k"), "--role", "partner", check=False)
    assert r.returncode != 0 and r.stdout.strip() == "", "partner without --source"


def test_key_revoke(stack):
    name = uniq("k")
    key = stack.bdp("key", "create", "--name", name, "--role", "editor").stdout.strip()
    r = stack.post("/v1/units", {"name": uniq("Rev"), "type": "zwiazek_jst"}, key=f"Bearer {key}")
    assert r.status == 201, r
    stack.bdp("key", "revoke", "--name", name)
    deadline = time.time() + 3
    while True:
        r = stack.get("/v1/units", key=f"Bearer {key}")
        if r.status == 401 or time.time() > deadline:
            break
        time.sleep(0.2)
    assert r.status == 401, r
    assert stack.bdp("key", "revoke", "--name", uniq("nope"), check=False).returncode != 0


def test_serve_refuses_pending_migrations(stack):
    db = "bdp_pending_" + str(os.getpid())
    stack.psql(f"CREATE DATABASE {db}", db_url=stack.db_url.rsplit("/", 1)[0] + "/postgres")
    url = stack.db_url.rsplit("/", 1)[0] + "/" + db
    env = dict(os.environ, BDP_DATABASE_URL=url, BDP_LISTEN=f"127.0.0.1:{free_port()}")
    try:
        r = subprocess.run([bdp_bin(), "serve"], capture_output=True, text=True, env=env, timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail("bdp serve started on an unmigrated database")
    assert r.returncode == 1, r
    assert "bdp migrate" in r.stderr, r.stderr
    assert "AddressSanitizer" not in r.stderr and "runtime error:" not in r.stderr, r.stderr
    r = subprocess.run([bdp_bin(), "migrate"], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
