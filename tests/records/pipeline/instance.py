"""A separate, freshly migrated platform instance for tests that run `xinyong` in other
processes (killed loads, concurrent writers, the worker): a SQLite file, or a new PostgreSQL
database created from template0, matching the database the test session runs on."""

from __future__ import annotations

import base64
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[3]


def _pg_params(dbname: str) -> dict[str, Any]:
    db = settings.DATABASES["default"]
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": dbname,
    }


@dataclass
class Instance:
    """One instance: its database URL, its var directory, and how to reach both."""

    url: str
    var_dir: Path
    pg_name: str = ""

    @property
    def env(self) -> dict[str, str]:
        key = base64.b64encode(settings.XINYONG_DATA_KEY).decode("ascii")
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "XINYONG_VAR_DIR": str(self.var_dir),
            "XINYONG_DATA_KEY": key,
            "XINYONG_HTTPS": "0",
            "XINYONG_LOG_LEVEL": "WARNING",
        }

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "xinyong.cli", *args]

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args),
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def popen(self, argv: Sequence[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(
            list(argv),
            env=self.env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Read the instance's database directly (no Django: it belongs to the test run)."""
        if self.pg_name:
            with psycopg.connect(**_pg_params(self.pg_name)) as conn:
                return list(conn.execute(sql).fetchall())
        with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as conn:
            return list(conn.execute(sql).fetchall())

    def drop(self) -> None:
        if self.pg_name:
            with psycopg.connect(**_pg_params("postgres"), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def new_instance(root: Path, name: str) -> Instance:
    """A migrated instance with the Tianjin policy loaded, on the session's kind of database."""
    var_dir = root / name
    var_dir.mkdir(parents=True)
    if connection.vendor == "postgresql":
        pg_name = f"xy_pipe_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(**_pg_params("postgres"), autocommit=True) as conn:
            conn.execute(
                f"CREATE DATABASE \"{pg_name}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
        p = _pg_params(pg_name)
        auth = p["user"] + (f":{p['password']}" if p["password"] else "")
        instance = Instance(
            f"postgres://{auth}@{p['host']}:{p['port']}/{pg_name}", var_dir, pg_name
        )
    else:
        instance = Instance(f"sqlite:///{var_dir / 'db.sqlite3'}", var_dir)
    for args in (("migrate", "--noinput", "-v", "0"), ("policy", "load")):
        done = instance.run(*args)
        if done.returncode != 0:
            instance.drop()
            raise RuntimeError(f"{args[0]} failed: {done.stderr[-2000:]}")
    return instance
