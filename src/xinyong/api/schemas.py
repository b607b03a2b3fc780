"""Request and response bodies of the API (pydantic models; the OpenAPI schema is built
from them, so the documentation cannot drift from the validation)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

MAX_RECORDS_PER_REQUEST = 1000
"""Records in one JSON submission; larger batches go as a file (multipart)."""

FieldName = Annotated[str, StringConstraints(min_length=1, max_length=100)]


def _scalar(value: Any) -> str | int | float | bool | None:
    """A cell: text, a number, true/false or null — never an object or a list (one error for
    the cell, not one per type it could have been)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise PydanticCustomError("scalar_type", "a cell must be text, a number, a boolean or null")


Scalar = Annotated[
    str | int | float | bool | None,
    PlainValidator(_scalar),
    WithJsonSchema({"type": ["string", "number", "boolean", "null"]}),
]


class SubmissionIn(BaseModel):
    """A batch of records for one catalogue item, keyed by national field names (行政相对人名称 …)
    or field keys; the same columns a file would carry."""

    model_config = ConfigDict(extra="forbid")

    item: str = Field(min_length=1, max_length=32, examples=["XZCF"])
    records: list[dict[FieldName, Scalar]] = Field(min_length=1, max_length=MAX_RECORDS_PER_REQUEST)


class SubmissionAccepted(BaseModel):
    """The answer to a submission: it is stored and queued; poll `status_url`."""

    submission: str
    status: str
    status_url: str


class SubmissionError(BaseModel):
    """Why a submission as a whole could not be processed (nothing of it was loaded)."""

    code: str
    message: str


class SubmissionOut(BaseModel):
    """Where a submission stands, its counts, and the error file once there is one."""

    submission: str
    status: str
    status_label: str
    item: str
    channel: str
    file_name: str
    received_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress: float = Field(description="0 到 1 之间的处理进度")
    rows: int | None
    rows_done: int
    accepted: int
    rejected: int
    unchanged: int
    new_records: int
    new_versions: int
    late: int
    error: SubmissionError | None
    errors_url: str | None
