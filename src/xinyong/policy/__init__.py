"""Policy as data: the configuration of one city or province, as YAML files.

The files are parsed, validated as a whole and loaded by `xinyong.catalog.services`;
nothing here is code a deployment needs to change.
"""

from __future__ import annotations

from pathlib import Path


def default_policy_dir() -> Path:
    """The packaged Tianjin policy, which the demo and the tests load."""
    return Path(__file__).resolve().parent / "tianjin"
