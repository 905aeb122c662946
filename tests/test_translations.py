"""The Swedish, Finnish and Danish catalogues are complete: every message translated,
none fuzzy, placeholders kept, and no message in the code missing from them."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def entries(language, root=ROOT):
    """(flags, msgid, msgid_plural, [msgstr...]) of each entry but the header."""
    text = (root / "locale" / language / "LC_MESSAGES" / "django.po").read_text("utf-8")
    for block in text.strip().split("\n\n"):
        flags, fields, current = set(), {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif match := re.match(
                r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line
            ):
                current = match.group(1)
                fields[current] = [match.group(2)]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" not in fields:
            continue
        value = {key: "".join(map(ast.literal_eval, parts)) for key, parts in fields.items()}
        if not value["msgid"]:
            continue  # the header
        translations = [v for k, v in sorted(value.items()) if k.startswith("msgstr")]
        yield flags, value["msgid"], value.get("msgid_plural"), translations


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    problems = []
    for flags, msgid, plural, translations in entries(language):
        if "fuzzy" in flags:
            problems.append(f"fuzzy: {msgid!r}")
        if not all(translations):
            problems.append(f"untranslated: {msgid!r}")
        expected = set(PLACEHOLDER.findall(msgid)) | set(PLACEHOLDER.findall(plural or ""))
        for translated in translations:
            if set(PLACEHOLDER.findall(translated)) != expected:
                problems.append(f"placeholders differ: {msgid!r} -> {translated!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(
    not shutil.which("xgettext"), reason="needs GNU gettext (make test installs it)"
)
def test_the_catalogues_hold_every_message_of_the_code(tmp_path):
    """makemessages, run on a copy of the project, finds no message that the committed
    catalogues lack."""
    for part in [
        "manage.py",
        "expo",
        "events",
        "ticketing",
        "exhibitors",
        "proposals",
        "scheduling",
        "realtime",
        "outbox",
        "templates",
        "static",
        "locale",
    ]:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("*.mo", "fonts"))
        else:
            shutil.copy(source, tmp_path / part)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, "EXPO_DATA_DIR": str(tmp_path / "data")},
    )
    committed = {msgid for _flags, msgid, _plural, _text in entries("sv")}
    fresh = {msgid for _flags, msgid, _plural, _text in entries("sv", root=tmp_path)}
    assert fresh <= committed, f"missing from the catalogues: {sorted(fresh - committed)}"


def test_the_compiled_catalogue_is_used(db):
    if not (ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.mo").exists():
        pytest.skip("the catalogues are not compiled (make test compiles them)")
    with translation.override("sv"):
        assert translation.gettext("Programme") == "Program"
