"""Every CLI command is documented in the README with an example (sqlite-utils style)."""

from __future__ import annotations

import re

from helpers import ROOT

from pgt.cli import app


def command_names() -> list[str]:
    return sorted(c.name or c.callback.__name__.removesuffix("_command").replace("_", "-")
                  for c in app.registered_commands)


def test_every_command_has_a_readme_section_and_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"```bash\n(.*?)```", readme, flags=re.S)
    names = command_names()
    assert {"convert", "check", "diff", "schema"} <= set(names)
    for name in names:
        assert f"### `pgt {name}`" in readme, f"no README section for pgt {name}"
        assert any(re.search(rf"^pgt {name}\b", block, flags=re.M) for block in examples), \
            f"no example of pgt {name} in a README code block"


def test_every_command_help_has_an_example():
    from typer.testing import CliRunner

    for name in command_names():
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0 and f"Example: pgt {name}" in result.output, name
