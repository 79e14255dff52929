"""The domain model: cafés, themes, tables, rounds, participants, seats, notes and more."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

NAME_MAX = 60
NOTE_MAX = 500
TITLE_MAX = 200
QUESTION_MAX = 500
# Ids are 32-bit integers in PostgreSQL: a larger one is no row, not a database error.
MAX_ID = 2**31 - 1


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# Ids are never handed out twice (SQLite reuses the highest id after a delete unless told not
# to; PostgreSQL's sequences never do): a socket or link of a deleted café can never stand for
# a newer one.
NEVER_REUSE_IDS: dict[str, Any] = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


class CafeStatus:
    SETUP = "setup"
    LOBBY = "lobby"
    RUNNING = "running"
    FINISHED = "finished"


class RoundStatus:
    PLANNED = "planned"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class Organiser(Base):
    __tablename__ = "organiser"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Bumped at every sign-out: sessions signed in before it no longer count, on any device.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")


class Cafe(Base):
    __tablename__ = "cafe"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    purpose: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    languages: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    status: Mapped[str] = mapped_column(String(16), default=CafeStatus.LOBBY)
    n_rounds: Mapped[int] = mapped_column(Integer, default=3)
    round_minutes: Mapped[float] = mapped_column(Float, default=20.0)
    table_capacity: Mapped[int] = mapped_column(Integer, default=6)
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    host_secret: Mapped[str] = mapped_column(String(64))
    projector_secret: Mapped[str] = mapped_column(String(64))
    organiser_secret: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("organiser.id", ondelete="SET NULL"))
    broadcast: Mapped[str] = mapped_column(Text, default="")
    retention_days: Mapped[int | None] = mapped_column(Integer, default=None)
    privacy_notice: Mapped[str] = mapped_column(Text, default="")
    curation: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    joining_open: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The organiser published the tables' summaries: participants may read them.
    summaries_published: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # The optional questions asked at the door: [{"key", "label", "mix", "kind"}, …].
    join_fields: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    themes: Mapped[list[Theme]] = relationship(
        back_populates="cafe", order_by="Theme.position", cascade="all, delete-orphan"
    )
    tables: Mapped[list[CafeTable]] = relationship(
        back_populates="cafe", order_by="CafeTable.number", cascade="all, delete-orphan"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="cafe", order_by="Round.number", cascade="all, delete-orphan"
    )


class Theme(Base):
    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("cafe_id", "position"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(TITLE_MAX))
    position: Mapped[int] = mapped_column(Integer)

    cafe: Mapped[Cafe] = relationship(back_populates="themes")
    questions: Mapped[list[Question]] = relationship(
        back_populates="theme", order_by="Question.position", cascade="all, delete-orphan"
    )
    tables: Mapped[list[CafeTable]] = relationship(
        back_populates="theme", order_by="CafeTable.number"
    )

    def question_for(self, round_number: int) -> str:
        """The question this theme asks in a round: one for all rounds, or one per round."""
        if not self.questions:
            return ""
        index = min(max(round_number, 1), len(self.questions)) - 1
        return self.questions[index].text if len(self.questions) > 1 else self.questions[0].text


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("theme_id", "position"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(QUESTION_MAX))

    theme: Mapped[Theme] = relationship(back_populates="questions")


class CafeTable(Base):
    __tablename__ = "cafe_table"
    __table_args__ = (UniqueConstraint("cafe_id", "number"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)

    cafe: Mapped[Cafe] = relationship(back_populates="tables")
    theme: Mapped[Theme] = relationship(back_populates="tables")

    @property
    def label(self) -> str:
        return f"{self.number}"


class Round(Base):
    __tablename__ = "round"
    __table_args__ = (UniqueConstraint("cafe_id", "number"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    duration_seconds: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default=RoundStatus.PLANNED)
    started_at: Mapped[dt.datetime | None] = mapped_column()
    ends_at: Mapped[dt.datetime | None] = mapped_column()
    paused_remaining: Mapped[float | None] = mapped_column(Float)
    ended_at: Mapped[dt.datetime | None] = mapped_column()

    cafe: Mapped[Cafe] = relationship(back_populates="rounds")


class Participant(Base):
    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("cafe_id", "resume_code"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    resume_token: Mapped[str] = mapped_column(String(64), unique=True)
    resume_code: Mapped[str] = mapped_column(String(12))
    hosted_table_id: Mapped[int | None] = mapped_column(
        ForeignKey("cafe_table.id", ondelete="SET NULL"), unique=True
    )
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Answers to the café's join fields: {"city": "Leipzig", "languages": ["de", "en"]}.
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # A pre-registered person's personal join link (roster import); cleared once used.
    invite_token: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)

    hosted_table: Mapped[CafeTable | None] = relationship()


class Seat(Base):
    __tablename__ = "seat"
    __table_args__ = (
        UniqueConstraint("round_id", "participant_id"),
        Index("ix_seat_round_table", "round_id", "table_id"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    table_id: Mapped[int] = mapped_column(ForeignKey("cafe_table.id", ondelete="CASCADE"))

    participant: Mapped[Participant] = relationship()
    table: Mapped[CafeTable] = relationship()
    round: Mapped[Round] = relationship()


class Note(Base):
    __tablename__ = "note"
    __table_args__ = (
        UniqueConstraint("cafe_id", "client_id"),
        Index("ix_note_table_round", "table_id", "round_id"),
        # Notes still without a sentence vector, for the background loop (a few, not all).
        Index(
            "ix_note_vector_missing",
            "id",
            sqlite_where=text("vector IS NULL"),
            postgresql_where=text("vector IS NULL"),
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int] = mapped_column(ForeignKey("cafe.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    table_id: Mapped[int] = mapped_column(ForeignKey("cafe_table.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column()
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # The note's sentence vector for the harvest (float16), filled in the background.
    vector: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    table: Mapped[CafeTable] = relationship()
    round: Mapped[Round] = relationship()
    participant: Mapped[Participant | None] = relationship()


@event.listens_for(Note.text, "set")
def _text_changed(target: Note, value: object, old: object, _initiator: object) -> None:
    """A rewritten note's vector no longer says what it says: compute it again."""
    if value != old:
        target.vector = None


class Vote(Base):
    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("note_id", "participant_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("note.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class KeyInsight(Base):
    __tablename__ = "key_insight"
    __table_args__ = (UniqueConstraint("round_id", "note_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    table_id: Mapped[int] = mapped_column(
        ForeignKey("cafe_table.id", ondelete="CASCADE"), index=True
    )
    note_id: Mapped[int] = mapped_column(ForeignKey("note.id", ondelete="CASCADE"))
    marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL")
    )

    note: Mapped[Note] = relationship()


class CarriedIdea(Base):
    """The note a traveller pins to carry from one round's table to the next."""

    __tablename__ = "carried_idea"
    __table_args__ = (UniqueConstraint("participant_id", "round_id"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"))
    note_id: Mapped[int] = mapped_column(ForeignKey("note.id", ondelete="CASCADE"))

    note: Mapped[Note] = relationship()


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    cafe_id: Mapped[int | None] = mapped_column(
        ForeignKey("cafe.id", ondelete="CASCADE"), index=True
    )
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
