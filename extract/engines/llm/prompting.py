"""Messages of one call: the system prompt, worked examples, then the report's passages.

In json_schema mode a llama.cpp-style server turns the schema into a decoding
grammar and the model never reads the field descriptions, so the fields are
written into the user message here, from the response model itself: path, Chinese
description, and the unit rule for amounts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel

from extract.engines.llm.models import Figure, inner_model, is_list
from prompts import PromptSet

PASSAGE_JOINT = "\n"
_ENGLISH_HALF = re.compile(r"\s*/\s*(?=[A-Za-z])")


def _zh(description: str | None) -> str:
    """The Chinese half of a bilingual description ("中文 / English")."""
    return _ENGLISH_HALF.split(description or "")[0].strip()


def field_lines(model: type[BaseModel], prefix: str = "", context: str = "") -> Iterator[str]:
    """One line per field of ``model``; nested models flattened to dotted paths.

    ``context`` is the description of the enclosing field ("行政复议"), put before
    the description of each nested field.
    """
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        inner = inner_model(info.annotation)
        text = f"{context} — {_zh(info.description)}" if context else _zh(info.description)
        if inner is Figure:
            yield f"- {path}: {text}（数字对象或 null）"
        elif inner is not None and is_list(info.annotation):
            parts = "；".join(f"{n}={_zh(f.description)}" for n, f in inner.model_fields.items())
            yield f"- {path}: {text}（列表，每项：{parts}）"
        elif inner is not None:
            yield from field_lines(inner, f"{path}.", _zh(info.description))
        elif is_list(info.annotation):
            yield f"- {path}: {text}（字符串列表）"
        elif info.annotation is bool:
            yield f"- {path}: {text}（true 或 false）"
        else:
            yield f"- {path}: {text}（或 null）" if info.default is None else f"- {path}: {text}"


def render_fields(model: type[BaseModel]) -> str:
    """The fields block of the user message."""
    return "\n".join(field_lines(model))


def build_messages(
    prompts: PromptSet, group: str, model: type[BaseModel], passages: Sequence[str]
) -> list[dict[str, Any]]:
    """System prompt, the group's worked examples as user/assistant turns, the request."""
    fields = render_fields(model)
    messages: list[dict[str, Any]] = [{"role": "system", "content": prompts.system}]
    for example in prompts.examples.get(group, ()):
        messages.append(
            {"role": "user", "content": prompts.user_message(group, fields, example.text)}
        )
        answer = json.dumps(example.answer, ensure_ascii=False)
        messages.append({"role": "assistant", "content": answer})
    text = PASSAGE_JOINT.join(passages)
    messages.append({"role": "user", "content": prompts.user_message(group, fields, text)})
    return messages
