"""How the JSON files are spelt: UTF-8 text as written, two-space indent, a final newline
(shared by the plan, its schemas and the data package)."""

from __future__ import annotations

import json


def json_text(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
