"""The fast paths of the writers write the bytes the plain ones did: plan.json by pydantic's
serialiser, the review page with its compiled template kept between runs, and the output
folder with each file made when written (the page piece by piece), the editable-value
attributes by a function instead of a macro."""

from __future__ import annotations

import random
import re

from functools import partial

from pgt.write import json_text, plan_json, render_outputs, write_outputs
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


def test_report_same_page_when_rendered_again(raw_plan):
    first = render_report(raw_plan)
    assert render_report(raw_plan) == first and "Conserver un taux" in first


def test_folded_drops_accents_and_punctuation():
    assert search_key("Échéances : l'accueil Œuvre, İzmir") == "echeances l accueil oeuvre izmir"


def test_floats_spelt_apart_are_those_pydantic_writes_otherwise():
    """plan.json is written by json.dumps when a float of the plan is one pydantic's serialiser
    may spell otherwise: `spelt_apart` must name all those it does (random floats from 1e-9 to
    1e21, the limits, infinities, NaN), and hardly any other."""
    import json
    import math

    from pydantic import TypeAdapter

    from pgt.write import spelt_apart

    as_float = TypeAdapter(float)
    rng = random.Random(15)
    values = [10 ** rng.uniform(-9, 21) * rng.choice([1, -1]) for _ in range(5000)]
    values += [0.0, -0.0, 1e-4, 9.999e-5, 1e-5, 1e-7, 5e-324, 1e15, 1e16, 1.5e16, 1e22, 0.1 + 0.2,
               math.inf, -math.inf, math.nan]
    apart = [v for v in values if as_float.dump_json(v).decode() != json.dumps(v)]
    assert apart and all(spelt_apart(v) for v in apart)  # never missed
    # and rarely suspected wrongly (a few tiny ones pydantic happens to spell alike, as 5e-324)
    assert sum(spelt_apart(v) for v in values) - len(apart) < len(values) / 100
    assert not any(spelt_apart(v) for v in [0.0, 1e-4, 0.5, 1e15, 1e16, 1e22, 0.1 + 0.2])


def test_a_tiny_float_deep_in_the_plan_is_found(raw_plan):
    """A float pydantic spells otherwise, on a fiche or in a cell's box on its PDF page under
    an offer, sends plan.json to json.dumps: the same bytes as json_text of the dump."""
    from pgt.schema.model import CellBox
    from pgt.write import floats_spelt_apart

    plan = raw_plan.model_copy(deep=True)
    assert not floats_spelt_apart(plan)
    plan.fiches[-1].match_confidence = 0.00001
    assert floats_spelt_apart(plan) and plan_json(plan) == json_text(plan.model_dump(mode="json"))
    plan.fiches[-1].match_confidence = 0.5
    offre = next(o for a in plan.all_actions()[::-1] for o in a.offres)
    offre.provenance.boxes.append(CellBox(page=1, x0=1e-7, top=1, x1=2, bottom=3))
    assert floats_spelt_apart(plan) and plan_json(plan) == json_text(plan.model_dump(mode="json"))


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


def test_plan_json_pieces_are_the_whole_dump_cut_up(raw_plan, monkeypatch):
    """plan.json is written in pieces (fields, batches of items) cut out of pydantic dumps:
    joined, they are byte for byte the whole text, whatever the batch size, with an exponent
    float deep in a batch, empty lists and a thématique without axes; no piece is the whole."""
    import pgt.write as write
    from pgt.write import plan_json_pieces

    plan = raw_plan.model_copy(deep=True)
    plan.all_actions()[7].budget = 1e-05  # json.dumps spells it: that piece is written by json.dumps
    plan.thematiques[0].axes[0].objectifs_intermediaires[0].objectifs_operationnels = []
    plan.thematiques[-1].actions = [a.model_copy() for a in plan.thematiques[0].all_actions()[:3]]
    plan.thematiques[1].axes = []
    plan.anomalies = []
    whole = json_text(plan.model_dump(mode="json"))
    for size in (1, 3, 500):
        monkeypatch.setattr(write, "ITEMS_PER_PIECE", size)
        pieces = list(plan_json_pieces(plan))
        assert "".join(pieces) == whole, size
        assert max(len(p) for p in pieces) < len(whole) / 3
    assert '"budget": 1e-05' in whole


def test_table_rows_made_once_and_let_go_after_the_csv_and_the_sheet(raw_plan, monkeypatch):
    """The rows of each table are made once for its CSV file and its workbook sheet, and not
    held once both are written (not while plan.json and the page are written)."""
    import pgt.write.tables as tables_module
    from pgt.write import output_makers

    made: list[str] = []
    for name, (columns, make_rows) in list(tables_module.TABLES.items()):
        def counted(plan, name=name, make_rows=make_rows):
            made.append(name)
            return make_rows(plan)
        monkeypatch.setitem(tables_module.TABLES, name, (columns, counted))
    makers = output_makers(raw_plan)
    shared = makers["actions.csv"].args[0]
    for name in sorted(makers):
        content = makers[name]()
        if not isinstance(content, (str, bytes)):
            "".join(content)  # text made piece by piece (a CSV file): written as it comes
    assert sorted(made) == sorted(tables_module.TABLES) and not shared._rows
