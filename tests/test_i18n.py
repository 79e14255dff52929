"""Languages: complete catalogues, the language rule of contracts.md, translated messages."""

from __future__ import annotations

import ast
import glob
import html as html_module
import io
import json
import re
import uuid
from pathlib import Path
from typing import Any

import docx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import connect, fragments, join, make_cafe, run_round_with_notes
from worldcafe.i18n import APP_LANGUAGES, translated
from worldcafe.messages import N_, Message
from worldcafe.services.privacy import DEFAULT_PRIVACY_NOTICE

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "worldcafe" / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "_plural_forms": (1, 2),
}
# What a participant sees (phone and projector), and the messages phones and error pages show.
PARTICIPANT_TEMPLATES = [
    "base.html",
    "_language.html",
    "_timer.html",
    "_alert.html",
    "_broadcast.html",
    "error.html",
    "pages/index.html",
    "participant/*.html",
    "projector/*.html",
]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalogue(lang: str) -> Catalog:
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _frozen(value: Any) -> Any:
    return value if isinstance(value, str) else tuple(value)


def _translated(message: Any) -> bool:
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return all(strings)


def _source_messages() -> set[str]:
    """Every message of the app's Python code and templates, as extraction sees it today."""
    found: set[str] = set()
    method_map = [("worldcafe/**.py", "python"), ("templates/**.html", "jinja2")]
    for _name, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS
    ):
        if not str(_name).startswith(".venv"):
            found.add(_key(message))
    assert len(found) > 250
    return found


def _participant_messages() -> set[str]:
    found: set[str] = set()
    for pattern in PARTICIPANT_TEMPLATES:
        for path in glob.glob(str(ROOT / "templates" / pattern)):
            for _line, message, _comments, _context in extract_from_file(
                "jinja2", path, keywords=KEYWORDS
            ):
                found.add(_key(message))
    errors_py = ROOT / "worldcafe" / "views" / "errors.py"
    for _line, message, _comments, _context in extract_from_file(
        "python", str(errors_py), keywords=KEYWORDS
    ):
        found.add(_key(message))
    assert len(found) > 60
    return found


@pytest.mark.parametrize("lang", APP_LANGUAGES)
def test_every_catalogue_compiles_without_fuzzy_entries_and_matches_its_mo(lang: str) -> None:
    catalogue = _catalogue(lang)
    assert not [m.id for m in catalogue if m.id and m.fuzzy], f"fuzzy entries in {lang}"
    problems = [(m.id, errors) for m, errors in catalogue.check() if errors]
    assert not problems, problems
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    fresh = read_mo(compiled)
    with (CATALOGUES / lang / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
        committed = read_mo(handle)
    expected = {_frozen(m.id): _frozen(m.string) for m in fresh if m.id}
    actual = {_frozen(m.id): _frozen(m.string) for m in committed if m.id}
    assert actual == expected, f"{lang}: run make translations (the .mo is older than the .po)"


@pytest.mark.parametrize("lang", APP_LANGUAGES)
def test_every_language_translates_every_message_of_the_app_in_every_plural_form(
    lang: str,
) -> None:
    catalogue = _catalogue(lang)
    missing = sorted(m for m in _source_messages() if not catalogue.get(m))
    assert not missing, f"not in the {lang} catalogue (run make translations): {missing}"
    untranslated = [m.id for m in catalogue if m.id and not _translated(m)]
    assert not untranslated, f"untranslated in {lang}: {untranslated}"


@pytest.mark.parametrize("lang", ["fr", "es", "it", "pl"])
def test_the_other_languages_translate_every_participant_page(lang: str) -> None:
    catalogue = _catalogue(lang)
    by_key = {_key(m.id): m for m in catalogue if m.id}
    missing = sorted(
        m for m in _participant_messages() if m not in by_key or not _translated(by_key[m])
    )
    assert not missing, f"{lang} lacks participant messages: {missing}"


@pytest.mark.parametrize("lang", [lang for lang in APP_LANGUAGES if lang != "en"])
def test_translations_keep_the_placeholders(lang: str) -> None:
    for message in _catalogue(lang):
        if not message.id or not _translated(message):
            continue
        wanted = set(PLACEHOLDER.findall(_key(message.id))) | (
            set() if isinstance(message.id, str) else set(PLACEHOLDER.findall(message.id[1]))
        )
        strings = [message.string] if isinstance(message.string, str) else message.string
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, (lang, message.id, string)


# Where messages for people are raised or marked: the services and the edge, and the documents'
# words in the synthesis.
MESSAGE_SOURCES = ["services/*.py", "live/*.py", "views/*.py", "*.py", "synthesis/*.py"]


def _message_sources() -> list[Path]:
    return sorted({p for g in MESSAGE_SOURCES for p in (ROOT / "worldcafe").glob(g)})


def _trees() -> list[tuple[str, ast.Module]]:
    return [(p.name, ast.parse(p.read_text(encoding="utf-8"))) for p in _message_sources()]


def _error_classes(trees: list[tuple[str, ast.Module]]) -> set[str]:
    """ServiceError and every class of the app derived from it, and the sockets' Refused."""
    bases = {
        node.name: {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases}
        for _name, tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    found = {"ServiceError", "Refused"}
    while grown := {name for name, of in bases.items() if of & found} - found:
        found |= grown
    return found


def _raised() -> list[tuple[str, int, ast.expr]]:
    """Every `raise SomeServiceError(message, …)`: (file, line, the message argument)."""
    trees = _trees()
    classes = _error_classes(trees)
    sites = []
    for name, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if called in classes and node.exc.args:
                    sites.append((name, node.lineno, node.exc.args[0]))
    return sites


def _marked_messages() -> set[str]:
    """The message ids marked with N_, or looked up with gettext, where messages are shown."""
    return {
        _key(message)
        for path in _message_sources()
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords={"N_": None, "gettext": None, "ngettext": (1, 2)}
        )
    }


def test_services_raise_message_ids_never_english_text() -> None:
    sites = _raised()
    assert len(sites) > 80
    text = [
        (path, line)
        for path, line, arg in sites
        if isinstance(arg, ast.Constant | ast.JoinedStr | ast.BinOp)
        or (isinstance(arg, ast.Call) and getattr(arg.func, "id", "") in ("str", "_", "gettext"))
    ]
    assert not text, f"raise a message id marked with N_ and its values instead: {text}"
    marked = [
        a for _, _, a in sites if isinstance(a, ast.Call) and getattr(a.func, "id", "") == "N_"
    ]
    assert len(marked) > 60


@pytest.mark.parametrize("lang", APP_LANGUAGES)
def test_every_message_the_services_can_raise_is_translated(lang: str) -> None:
    messages = _marked_messages()
    assert "%(field)s is too long: %(n)s characters, at most %(max)s." in messages
    assert "Summary points" in messages and "Tables of theme %(name)s" in messages
    assert len(messages) > 150
    by_key = {_key(m.id): m for m in _catalogue(lang) if m.id}
    missing = sorted(m for m in messages if m not in by_key or not _translated(by_key[m]))
    assert not missing, f"{lang} lacks: {missing}"
    if lang != "en":
        # A name ("Table %(n)s") may read the same in another language; a phrase does not.
        phrases = [m for m in messages if len(PLACEHOLDER.sub("", m).split()) > 1]
        english = sorted(m for m in phrases if by_key[m].string == m)
        assert not english, f"{lang} keeps English: {english}"


def test_a_message_is_translated_with_its_values(app: Flask) -> None:
    too_long = Message(
        N_("%(field)s is too long: %(n)s characters, at most %(max)s."),
        field=N_("Your note"),
        n=612,
        max=500,
    )
    assert str(too_long) == "Your note is too long: 612 characters, at most 500."
    assert translated(too_long, "de") == "Deine Notiz: zu lang (612 Zeichen, höchstens 500)."
    theme = Message(N_("%(field)s must not be empty."), field=Message(N_("Theme %(n)s name"), n=2))
    assert translated(theme, "de") == "Name von Thema 2: darf nicht leer sein."
    assert translated("Something nobody wrote", "de") == "Something nobody wrote"
    assert translated(DEFAULT_PRIVACY_NOTICE, "de").startswith("Dieses Café speichert")
    assert translated(N_("Join the café first."), "fr") == "Rejoignez d'abord le café."
    with app.test_request_context("/", headers={"Accept-Language": "pl"}):
        assert translated(N_("No such café.")) == "Nie ma takiej kawiarni."


def _switch_options(html: str) -> list[str]:
    switch = re.search(r'<select id="language-select".*?</select>', html, re.DOTALL)
    assert switch
    return re.findall(r'<option value="(\w\w)"', switch.group(0))


def _lang(html: str) -> str:
    match = re.search(r'<html lang="([a-z]+)"', html)
    assert match
    return match.group(1)


def test_pages_without_a_cafe_follow_the_browser_among_all_languages(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "pl,en;q=0.5"}).get_data(as_text=True)
    assert _lang(html) == "pl" and "Dołącz do kawiarni" in html
    assert _switch_options(html) == list(APP_LANGUAGES)
    login = client.get("/organiser/login", headers={"Accept-Language": "de"})
    assert _lang(login.get_data(as_text=True)) == "de"
    assert _lang(client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)) == "en"


def test_a_cafe_offers_its_languages_and_falls_back_to_its_own(app: Flask) -> None:
    cafe = make_cafe(app, language="de", languages=["en", "de"])
    browser = app.test_client()
    french = browser.get(cafe["join_url"], headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    html = french.get_data(as_text=True)
    assert _lang(html) == "de" and "Dein Name" in html
    assert _switch_options(html) == ["en", "de"]
    english = browser.get(cafe["join_url"], headers={"Accept-Language": "en-GB,fr;q=0.5"})
    assert _lang(english.get_data(as_text=True)) == "en"
    forced = browser.get(cafe["join_url"] + "?lang=fr", headers={"Accept-Language": "fr"})
    assert _lang(forced.get_data(as_text=True)) == "de"


def test_the_switch_is_remembered_and_the_address_keeps_its_other_arguments(app: Flask) -> None:
    cafe = make_cafe(app)
    browser = app.test_client()
    assert _lang(browser.get(cafe["join_url"] + "?lang=it").get_data(as_text=True)) == "it"
    again = browser.get(cafe["join_url"], headers={"Accept-Language": "de"})
    assert _lang(again.get_data(as_text=True)) == "it"
    page = browser.get("/?x=1&lang=es").get_data(as_text=True)
    assert '<input type="hidden" name="x" value="1">' in page
    assert 'name="lang" value="es"' not in page


def test_error_pages_and_service_errors_speak_the_readers_language(app: Flask) -> None:
    browser = app.test_client()
    missing = browser.get("/j/nothing-here", headers={"Accept-Language": "de"})
    assert missing.status_code == 404
    assert "Diese Seite gibt es nicht" in missing.get_data(as_text=True)
    cafe = make_cafe(app)
    refused = browser.post(
        cafe["join_url"], data={"name": "x" * 500}, headers={"Accept-Language": "de"}
    )
    assert refused.status_code == 400
    assert "Dein Name: zu lang" in refused.get_data(as_text=True)


def test_the_script_gets_its_texts_from_the_page(app: Flask) -> None:
    cafe = make_cafe(app)
    phone = join(app, cafe, "Ida")
    html = phone.get(cafe["join_url"] + "?lang=pl", follow_redirects=True).get_data(as_text=True)
    page = phone.get(f"/p/{cafe['join_code']}?lang=pl").get_data(as_text=True)
    assert _lang(page) == "pl" and html
    strings = re.search(r"data-strings='([^']+)'", page)
    assert strings
    text = json.dumps(json.loads(html_module.unescape(strings.group(1))), ensure_ascii=False)
    for expected in ("wstrzymana", "zaraz koniec", "czas minął", "Ponowne łączenie", "niezapisana"):
        assert expected in text
    assert "zostały {n} minuty" in text and "zostało {n} minut" in text
    assert "Twoja notatka jest za długa: {n} znaków, najwyżej {max}." in text


def test_live_fragments_come_in_the_language_of_the_socket(app: Flask) -> None:
    cafe = make_cafe(app)
    phone = join(app, cafe, "Gerd")
    phone.get(f"/p/{cafe['join_code']}?lang=de")
    socket = connect(app, phone, cafe, "participant")
    socket.get_received()
    socket.emit("resync")
    html = "".join(fragments(socket))
    assert 'lang="de"' in html and "Willkommen in der Lobby" in html


def test_numbers_and_dates_are_formatted_for_the_reader(app: Flask) -> None:
    import datetime as dt

    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        template = app.jinja_env.from_string(
            "{{ 0.875|percent }} {{ 1234.5|number }} {{ when|datetime }}"
        )
        when = dt.datetime(2026, 3, 14, 15, 9)
        assert template.render(when=when) == "88\xa0% 1.234,5 14.03.2026, 15:09:00"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert app.jinja_env.from_string("{{ 1234.5|number }}").render() == "1,234.5"


@pytest.mark.parametrize(
    ("lang", "extend", "too_long"),
    [
        (
            "de",
            "Verlängere um 1 bis 60 Minuten.",
            "Deine Notiz: zu lang (501 Zeichen, höchstens 500).",
        ),
        (
            "pl",
            "Przedłuż o 1 do 60 minut.",
            "Twoja notatka: za długi tekst – 501 znaków, najwyżej 500.",
        ),
    ],
)
def test_a_service_error_reaches_http_and_socket_clients_in_their_language(
    app: Flask, lang: str, extend: str, too_long: str
) -> None:
    cafe = make_cafe(app)
    host = app.test_client()
    refused = host.post(
        f"{cafe['host_url']}/round/extend",
        data={"minutes": "999"},
        headers={"Accept": "application/json", "Accept-Language": lang},
    )
    assert refused.status_code == 400
    assert refused.get_json() == {"error": extend}
    phone = join(app, cafe, "Ida")
    phone.get(f"/p/{cafe['join_code']}?lang={lang}")
    socket = connect(app, phone, cafe, "participant")
    ack = socket.emit(
        "note:add", {"client_id": str(uuid.uuid4()), "text": "x" * 501}, callback=True
    )
    assert ack == {"ok": False, "error": too_long, "status": 400}


def test_a_french_and_an_italian_cafe_get_documents_in_their_language(app: Flask) -> None:
    organiser = app.test_client()
    for lang, headings in [
        ("fr", ("Points principaux", "Méthode", "Annexe : toutes les notes")),
        ("it", ("Punti principali", "Metodo", "Appendice: tutte le note")),
    ]:
        cafe = make_cafe(app, language=lang, title=f"Café {lang}")
        run_round_with_notes(app, organiser, cafe, ["Plus d'arbres", "Più alberi"], people=2)
        export = f"{cafe['organiser_url']}/export?format="
        markdown = organiser.get(export + "md").get_data(as_text=True)
        document = docx.Document(io.BytesIO(organiser.get(export + "docx").data))
        text = "\n".join(p.text for p in document.paragraphs)
        for heading in headings:
            assert heading in markdown and heading in text, (lang, heading)
        assert "Summary points" not in markdown and "Method" not in text
        data = json.dumps(organiser.get(export + "json").get_json())
        assert '"themes"' in data and "Summary points" not in data
