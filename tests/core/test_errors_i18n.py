"""Core error messages: templates rendered in English as before, translated when asked, all in the French catalogue."""

from __future__ import annotations

import ast
import shutil
import string
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from alpr_qgis.core.errors import CONTEXT, QT_TRANSLATE_NOOP, AlprInputError

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "alpr_qgis"
TS_FILE = PACKAGE / "i18n" / "alpr_qgis_fr.ts"
#: Where raise sites must carry marked templates (the algorithms translate with self.tr()).
TEMPLATED = ("core", "qgis_io")


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            yield node


def _is_marker(node) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) == "QT_TRANSLATE_NOOP"


def marked_templates() -> dict:
    """Every ``QT_TRANSLATE_NOOP("alpr_core", "...")`` text in the plugin -> where it is."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for call in _calls(path):
            if _is_marker(call) and call.args[0].value == CONTEXT:  # (algorithms may mark texts in their own context)
                found.setdefault(call.args[1].value, "{}:{}".format(path.relative_to(ROOT), call.lineno))
    return found


def catalogue(ts_file: Path) -> dict:
    """``source -> translation`` of the finished messages of context alpr_core in a .ts file."""
    out = {}
    for context in ET.parse(ts_file).getroot().iter("context"):
        if context.findtext("name") != CONTEXT:
            continue
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and translation.get("type") not in ("unfinished", "obsolete", "vanished"):
                out[message.findtext("source")] = translation.text or ""
    return out


def placeholders(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# ------------------------------------------------------------------ rendering


def test_the_marker_returns_its_text():
    assert QT_TRANSLATE_NOOP("alpr_core", "row {row}") == "row {row}"


def test_english_is_rendered_as_before():
    err = AlprInputError(
        QT_TRANSLATE_NOOP("alpr_core", "is not a number ({count} such values)."),
        args={"count": 3, "parameter": "ATTRIBUTES"},
        path="/somewhere/tracts.gpkg",
        row=7,
        field="income",
        value="n/a",
        hint=QT_TRANSLATE_NOOP("alpr_core", "Choose a numeric {parameter} or fix the layer"),
    )
    expected = 'tracts.gpkg, row 7, field "income": "n/a" is not a number (3 such values). Choose a numeric ATTRIBUTES or fix the layer'
    assert str(err) == expected
    assert err.describe() == expected


def test_without_arguments_a_message_is_taken_as_it_is():
    err = AlprInputError('has no field "{odd}".', hint="Use \\d{7}.")
    assert err.describe() == 'has no field "{odd}". Use \\d{7}.'


def test_translate_applies_to_every_template_and_fills_it_in():
    french = {
        "row {row}": "ligne {row}",
        'field "{field}"': "champ « {field} »",
        '"{value}" {message}': "« {value} » {message}",
        "{where}: {message}": "{where} : {message}",
        "is negative.": "est négatif.",
        "Choose {parameter}": "Choisissez {parameter}",
    }
    err = AlprInputError(
        "is negative.",
        args={"parameter": "COUNT_FIELD"},
        path="t.csv",
        row=2,
        field="n",
        value=-1,
        hint="Choose {parameter}",
    )
    assert (
        err.describe(translate=lambda t: french.get(t, t))
        == "t.csv, ligne 2, champ « n » : « -1 » est négatif. Choisissez COUNT_FIELD"
    )
    assert str(err) == 't.csv, row 2, field "n": "-1" is negative. Choose COUNT_FIELD'


def test_a_translation_that_does_not_fit_its_arguments_falls_back_to_english():
    err = AlprInputError("{count} rows", args={"count": 4})
    assert err.describe(translate=lambda t: "{nombre} lignes") == "4 rows"
    assert err.describe(translate=lambda t: "{count lignes") == "4 rows"


def test_a_private_value_is_never_shown():
    err = AlprInputError("holds a lone surrogate", field="plate", value="6TRM913", private=True)
    assert "6TRM913" not in err.describe() and "6TRM913" not in err.describe(translate=str.upper)


# ------------------------------------------------------------------ the catalogue


def test_every_raise_in_core_and_qgis_io_has_a_marked_message_and_hint():
    unmarked = []
    for folder in TEMPLATED:
        for path in sorted((PACKAGE / folder).rglob("*.py")):
            for call in _calls(path):
                if call.func.id != "AlprInputError":
                    continue
                message = call.args[0] if call.args else None
                hint = [k.value for k in call.keywords if k.arg == "hint"]
                # a bare name is a template handed in by the caller (which marks it)
                if not (_is_marker(message) or isinstance(message, ast.Name)) or not all(
                    _is_marker(h) or isinstance(h, ast.Name) for h in hint
                ):
                    unmarked.append("{}:{}".format(path.relative_to(ROOT), call.lineno))
    assert not unmarked, "AlprInputError without a QT_TRANSLATE_NOOP template: " + ", ".join(unmarked)


def test_every_marked_template_has_a_french_translation_with_the_same_placeholders():
    templates = marked_templates()
    assert len(templates) > 100
    french = catalogue(TS_FILE)
    missing = ["{} ({})".format(t, where) for t, where in templates.items() if not french.get(t)]
    assert not missing, "not translated in {}:\n".format(TS_FILE.name) + "\n".join(missing)
    for text in templates:
        assert placeholders(french[text]) == placeholders(text), text


@pytest.mark.skipif(shutil.which("pylupdate5") is None, reason="pylupdate5 (pyqt5-dev-tools) is not installed")
def test_pylupdate5_finds_every_marked_template(tmp_path):
    """``make transup`` must keep them: pylupdate5 skips a marked text followed by a trailing comma."""
    files = sorted({str(ROOT / where.rsplit(":", 1)[0]) for where in marked_templates().values()})
    ts = tmp_path / "extracted.ts"
    subprocess.run(["pylupdate5", *files, "-ts", str(ts)], check=True, capture_output=True)
    extracted = set()
    for context in ET.parse(ts).getroot().iter("context"):
        if context.findtext("name") == CONTEXT:
            extracted |= {m.findtext("source") for m in context.iter("message")}
    missed = ["{} ({})".format(t, where) for t, where in marked_templates().items() if t not in extracted]
    assert not missed, (
        "pylupdate5 does not see (end the statement with '# fmt: skip', no trailing comma):\n" + "\n".join(missed)
    )
