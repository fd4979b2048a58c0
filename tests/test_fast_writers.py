"""The fast paths of the writers write the bytes the plain ones did: plan.json by pydantic's
serialiser, the review page with its compiled template kept between runs, and the output
folder with each file made when written (the page piece by piece), the editable-value
attributes by a function instead of a macro."""

from __future__ import annotations

import random
import re

from functools import partial

from pgt.write import (_EXPONENT_NUMBER, has_exponent_number, json_text, plan_json, plan_json_bytes, render_outputs,
                       write_outputs)
from pgt.settings.text import search_key
from jinja2 import Environment
from markupsafe import Markup

from pgt.write.report import editable, render_report, report_chunks


def test_plan_json_is_what_json_dumps_writes(raw_plan):
    assert plan_json(raw_plan) == json_text(raw_plan.model_dump(mode="json"))


def test_plan_json_same_bytes_for_odd_values(raw_plan):
    plan = raw_plan.model_copy(deep=True)
    actions = plan.all_actions()
    actions[0].titre = "tab\there, \x01 control, \u2028 line separator, « guillemets », emoji 🙂, \\ and \""
    actions[1].budget = 1234.5
    actions[2].budget = 0.1 + 0.2  # a float printed with all its digits
    assert plan_json(plan) == json_text(plan.model_dump(mode="json"))
    actions[3].budget = 1e-05  # exponent form: pydantic writes 1e-5, json.dumps 1e-05
    actions[4].budget = 1e22
    written = plan_json(plan)
    assert written == json_text(plan.model_dump(mode="json"))
    assert '"budget": 1e-05' in written and '"budget": 1e+22' in written
    assert plan_json_bytes(plan) == written.encode("utf-8")


def test_regression_plan_json_held_three_times_as_text(raw_plan):
    """plan.json was made as a str (two bytes a character once accented) and copied with its
    final line break before being encoded: it is written as the serialiser's bytes."""
    data = plan_json_bytes(raw_plan)
    assert isinstance(data, bytes) and data.endswith(b"}\n")
    assert data == json_text(raw_plan.model_dump(mode="json")).encode("utf-8")
    assert has_exponent_number(b'{\n  "a": 1e-05\n}') and not has_exponent_number(b'{\n  "h": "ab3e9f"\n}')


def test_report_same_page_when_rendered_again(raw_plan):
    first = render_report(raw_plan)
    assert render_report(raw_plan) == first and "Conserver un taux" in first


def test_folded_drops_accents_and_punctuation():
    assert search_key("Échéances : l'accueil Œuvre, İzmir") == "echeances l accueil oeuvre izmir"


def test_exponent_numbers_found_as_the_whole_text_search_finds_them():
    samples = ['{\n  "a": 1e-05\n}', '{\n  "a": [\n    1e22\n  ]\n}', "[1.5E3]", '{\n  "b": -2.5e+30\n}',
               '{"x": "2e trimestre", "y": 3}', '{\n  "h": "ab3e9f"\n}', '{\n  "n": 12,\n  "t": "le 3e"\n}', ""]
    rng = random.Random(15)
    pieces = ['"a": ', "1e5", "2", "3.5", "e", "E", "\n", "  ", "[", "-", '"3e"', ", ", "x"]
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    whole_text = re.compile(_EXPONENT_NUMBER.pattern, re.MULTILINE)
    for text in samples:
        assert has_exponent_number(text) == (whole_text.search(text) is not None), text


def test_outputs_made_when_written_are_the_rendered_ones(raw_plan, tmp_path):
    """write_outputs makes each file as it writes it, and writes the page piece by piece:
    the same bytes as the files rendered whole (render_outputs, render_report)."""
    written = write_outputs(raw_plan, tmp_path / "out", extra_files={"report.html": partial(report_chunks, raw_plan)})
    expected = {**render_outputs(raw_plan), "report.html": render_report(raw_plan)}
    assert written == sorted(expected)
    for name, content in expected.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        assert (tmp_path / "out" / name).read_bytes() == data, name


EDITABLE_MACRO = (
    '{% macro editable(record_id, field, value) %} data-edit-record="{{ record_id }}" data-edit-field="{{ field }}"'
    '{% if value %} data-edit-value="{{ value }}"{% endif %}{% endmacro %}'
    "<td{{ editable(r, f, v) }}>|{{ editable(r, f, v) }}"
)


def test_editable_attributes_are_what_the_macro_wrote():
    """`editable` writes what the template's macro did, escaped alike (the page's settings)."""
    environment = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    macro = environment.from_string(EDITABLE_MACRO)
    by_function = environment.from_string("<td{{ editable(r, f, v) }}>|{{ editable(r, f, v) }}")
    values = [None, "", "plain", 'quote " & <b> \' amp', ["a", "b<"], 0, 3, Markup("<i>kept</i>"), "é 🙂\n"]
    for value in values:
        context = {"r": "enfance-1-1-1 <x>", "f": "porteur", "v": value}
        assert by_function.render(editable=editable, **context) == macro.render(**context), value
