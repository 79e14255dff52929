"""The roster: people registered in advance (CSV import), their personal join links, and export.

A roster CSV has a header row: `name`, any of the café's join fields (by key or by label) and
`table_host` (yes, or a table number). Commas, semicolons or tabs separate the cells. Each
person becomes a participant who is not here yet, with a personal join link that works once:
the person scans it and is in, without typing a name. Only the organiser can issue a new link
(the old one and any phone that used it stop working).
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from worldcafe.messages import N_, Message, Text
from worldcafe.models import NAME_MAX, Cafe, Participant, utcnow
from worldcafe.services import audit
from worldcafe.services.errors import InvalidInput, NotFound
from worldcafe.services.join_fields import JoinField, clean_answers, display_answer, fields_of
from worldcafe.services.participants import (
    _new_resume_code,
    participant_count,
    seat_count,
    seat_late_joiner,
    set_table_host,
)
from worldcafe.services.text_input import clean_text

MAX_ROWS = 5000
NAME_COLUMNS = ("name", "full name", "participant")
HOST_COLUMNS = ("table_host", "table host", "host", "table-host")
YES = ("yes", "y", "true", "x", "ja", "oui", "sí", "si", "sì", "tak", "✓")
NO = ("", "no", "n", "false", "0", "-", "nein", "non", "nie")


@dataclass
class RosterLine:
    line: int
    name: str
    answers: dict[str, Any]
    host: str = ""


Problem = tuple[int, Text]


class RosterError(InvalidInput):
    """A roster that cannot be imported: one message per bad line (nothing was stored).

    Its own message is the first problem; `problems` lists them all, by line.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem[0])
        line, first = self.problems[0]
        super().__init__(N_("Line %(n)s: %(problem)s"), n=line, problem=first)

    def __str__(self) -> str:
        return "; ".join(f"line {n}: {m}" if n else str(m) for n, m in self.problems)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(N_("The roster must be a text (CSV) file."))


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max((";", ",", "\t"), key=header.count)


def _columns(header: list[str], fields: list[JoinField]) -> tuple[list[str], list[Message]]:
    """Map header cells to "name", "host" or a field key; unknown columns are problems."""
    by_name = {f.key.casefold(): f.key for f in fields}
    by_name.update({f.label.casefold(): f.key for f in fields})
    out: list[str] = []
    problems: list[Message] = []
    for cell in header:
        name = cell.strip().casefold()
        if name in NAME_COLUMNS:
            out.append("name")
        elif name in HOST_COLUMNS:
            out.append("host")
        elif name in by_name:
            out.append(by_name[name])
        else:
            out.append("")
            known = ", ".join(["name", *[f.key for f in fields], "table_host"])
            problems.append(
                Message(
                    N_("unknown column %(name)s: the columns are %(columns)s."),
                    name=repr(cell.strip()),
                    columns=known,
                )
            )
    if "name" not in out:
        problems.append(Message(N_("the header needs a column called name.")))
    if len(set(c for c in out if c)) != len([c for c in out if c]):
        problems.append(Message(N_("two columns mean the same thing.")))
    return out, problems


def parse_roster(data: bytes, fields: list[JoinField]) -> tuple[list[RosterLine], list[Problem]]:
    """The people of a roster CSV, and the problems of its bad lines (a bad header raises)."""
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InvalidInput(N_("The roster is empty: give a header row and one line per person."))
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InvalidInput(N_("The roster's header row cannot be read.")) from None
    columns, header_problems = _columns(header, fields)
    if header_problems:
        raise RosterError([(1, p) for p in header_problems])
    lines: list[RosterLine] = []
    problems: list[Problem] = []
    try:
        for cells in reader:
            number = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                problems.append((number, N_("more cells than the header has columns.")))
                continue
            row = dict(zip(columns, cells, strict=False))
            try:
                name = clean_text(row.get("name", ""), field=N_("Name"), max_length=NAME_MAX)
                if not name:
                    raise InvalidInput(N_("the name is missing."))
                answers = clean_answers(fields, {k: v for k, v in row.items() if k})
            except InvalidInput as error:
                problems.append((number, error.message))
                continue
            lines.append(RosterLine(number, name, answers, row.get("host", "").strip()))
    except csv.Error as error:
        problems.append(
            (reader.line_num, Message(N_("the CSV cannot be read (%(error)s)."), error=error))
        )
    if len(lines) > MAX_ROWS:
        raise InvalidInput(N_("A roster has at most %(n)s people."), n=MAX_ROWS)
    if not lines and not problems:
        raise InvalidInput(N_("The roster is empty: give a header row and one line per person."))
    return lines, problems


def _host_tables(
    session: Session, cafe: Cafe, lines: list[RosterLine]
) -> tuple[dict[int, int], list[Problem]]:
    """The table (id) each hosting line hosts, and the lines naming unknown or taken tables."""
    by_number = {t.number: t.id for t in cafe.tables}
    taken = set(
        session.scalars(
            select(Participant.hosted_table_id).where(
                Participant.cafe_id == cafe.id, Participant.hosted_table_id.is_not(None)
            )
        )
    )
    names = {line.name.casefold() for line in lines}
    hosts_now = {
        p.hosted_table_id: p.name.casefold()
        for p in session.scalars(
            select(Participant).where(
                Participant.cafe_id == cafe.id, Participant.hosted_table_id.is_not(None)
            )
        )
    }
    # A table whose host is re-imported is free again for that line.
    taken = {t for t in taken if hosts_now.get(t) not in names}
    out: dict[int, int] = {}
    problems: list[Problem] = []
    wanted = [(line, line.host.casefold().removeprefix("table").strip()) for line in lines]
    for line, value in wanted:
        if value.isdigit():
            table_id = by_number.get(int(value))
            if table_id is None:
                problems.append((line.line, Message(N_("there is no table %(n)s."), n=value)))
            elif table_id in taken:
                problems.append(
                    (line.line, Message(N_("table %(n)s has a host already."), n=value))
                )
            else:
                out[line.line] = table_id
                taken.add(table_id)
        elif value not in YES and value not in NO:
            problems.append((line.line, N_("table_host must be yes, no or a table number.")))
    free = [t.id for t in cafe.tables if t.id not in taken]
    for line, value in wanted:
        if value in YES and not value.isdigit():
            if not free:
                problems.append((line.line, N_("every table has a host already.")))
                continue
            out[line.line] = free.pop(0)
    return out, problems


def import_roster(session: Session, cafe: Cafe, data: bytes) -> list[Participant]:
    """Register the people of a roster CSV (not here yet, each with a personal join link).

    Someone already registered under the same name gets the new answers instead of a twin.
    """
    fields = fields_of(cafe.join_fields)
    lines, problems = parse_roster(data, fields)
    hosts, host_problems = _host_tables(session, cafe, lines)
    if problems or host_problems:
        raise RosterError([*problems, *host_problems])
    registered = {
        p.name.casefold(): p
        for p in session.scalars(
            select(Participant).where(
                Participant.cafe_id == cafe.id, Participant.invite_token.is_not(None)
            )
        )
    }
    count = participant_count(session, cafe)
    new = sum(1 for line in lines if line.name.casefold() not in registered)
    seats = seat_count(cafe)
    if count + new > seats:
        raise InvalidInput(
            N_(
                "The café seats %(n)s people (tables × seats per table); with this roster it "
                "would have %(m)s."
            ),
            n=seats,
            m=count + new,
        )
    people: list[Participant] = []
    for line in lines:
        person = registered.get(line.name.casefold())
        if person is None:
            person = Participant(
                cafe_id=cafe.id,
                name=line.name,
                language=cafe.language,
                resume_token=secrets.token_urlsafe(32),
                resume_code=_new_resume_code(session, cafe),
                present=False,
                invite_token=secrets.token_urlsafe(24),
            )
            session.add(person)
            registered[line.name.casefold()] = person
        person.attributes = line.answers or None
        session.flush()
        people.append(person)
    for line, person in zip(lines, people, strict=True):
        if line.line in hosts:
            for other in session.scalars(
                select(Participant).where(Participant.hosted_table_id == hosts[line.line])
            ):
                if other.id != person.id:
                    other.hosted_table_id = None
            session.flush()
            person.hosted_table_id = hosts[line.line]
            session.flush()
    audit.record(session, cafe, "organiser", "import_roster", f"{len(lines)}")
    return people


def people(session: Session, cafe: Cafe) -> list[Participant]:
    """Everyone registered or joined, by name (a personal link pending: not here yet)."""
    rows = session.scalars(select(Participant).where(Participant.cafe_id == cafe.id))
    return sorted(rows, key=lambda p: (p.name.casefold(), p.id))


def expected(session: Session, cafe: Cafe) -> list[Participant]:
    """People whose personal join link has not been used yet, by name."""
    rows = session.scalars(
        select(Participant).where(
            Participant.cafe_id == cafe.id, Participant.invite_token.is_not(None)
        )
    )
    return sorted(rows, key=lambda p: (p.name.casefold(), p.id))


def issue_invite(session: Session, cafe: Cafe, participant: Participant) -> str:
    """A new personal join link; the old link and any phone that used it stop working."""
    participant.invite_token = secrets.token_urlsafe(24)
    participant.resume_token = secrets.token_urlsafe(32)
    participant.resume_code = _new_resume_code(session, cafe)
    audit.record(session, cafe, "organiser", "issue_invite", f"participant {participant.id}")
    return participant.invite_token


def invited(session: Session, cafe: Cafe, token: object) -> Participant:
    """The person a personal join link belongs to, or NotFound (also once it has been used)."""
    if not isinstance(token, str) or not token or len(token) > 64:
        raise NotFound(N_("This personal link is not valid any more."))
    person = session.scalar(
        select(Participant).where(Participant.cafe_id == cafe.id, Participant.invite_token == token)
    )
    if person is None:
        raise NotFound(N_("This personal link is not valid any more."))
    return person


def claim_invite(session: Session, cafe: Cafe, token: object) -> Participant:
    """Join as the person of a personal link; the link then stops working."""
    person = invited(session, cafe, token)
    person.invite_token = None
    person.present = True
    person.joined_at = utcnow()
    session.flush()
    if person.hosted_table_id is not None:
        # A table host arriving during a round goes straight to their own table.
        set_table_host(session, cafe, person, person.hosted_table_id)
    else:
        seat_late_joiner(session, cafe, person)
    return person


def people_csv(session: Session, cafe: Cafe, *, anonymise: bool = False) -> str:
    """Everyone with their answers, in the roster's columns (importable again).

    Anonymised: no names, rows sorted by the answers so that the order tells nothing.
    """
    fields = fields_of(cafe.join_fields)
    everyone = session.scalars(
        select(Participant).where(Participant.cafe_id == cafe.id).order_by(Participant.id)
    )
    rows = []
    for p in everyone:
        answers = p.attributes or {}
        row = [display_answer(answers.get(f.key)) for f in fields]
        host = str(p.hosted_table.number) if p.hosted_table is not None else ""
        rows.append(([] if anonymise else [p.name]) + row + [host])
    if anonymise:
        rows.sort()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(([] if anonymise else ["name"]) + [f.key for f in fields] + ["table_host"])
    for row in rows:
        writer.writerow([_safe_cell(c) for c in row])
    return buffer.getvalue()


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet never runs as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
