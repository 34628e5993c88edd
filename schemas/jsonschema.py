"""JSON Schema of the output contract, generated from the models."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

from schemas.report import Report

SCHEMA_FILE = "report.schema.json"


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Report`."""
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "govreport Report"
    return schema


def render_schema() -> str:
    """The schema as committed in ``schemas/report.schema.json``."""
    return json.dumps(report_json_schema(), ensure_ascii=False, indent=2) + "\n"


def committed_schema() -> str:
    """The committed schema file's text."""
    return resources.files("schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def schema_hash() -> str:
    """Short content hash of the schema: part of every cache key and run record."""
    return hashlib.sha256(render_schema().encode()).hexdigest()[:12]
