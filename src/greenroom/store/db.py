"""The application database: engine and sessions from Settings.database_url, and schema migration."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from greenroom.config import Settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_migrated: set[str] = set()


class Base(DeclarativeBase):
    """Declarative base shared by every ORM model in the application database."""


def import_models() -> list[str]:
    """Import every greenroom.<domain>.models module so Base.metadata holds all application tables.

    Alembic's autogenerate compares the database with Base.metadata; a domain whose models were not
    imported would look like tables to drop.
    """
    import greenroom

    names = []
    for info in pkgutil.iter_modules(greenroom.__path__):
        name = f"greenroom.{info.name}.models"
        if info.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
            names.append(name)
    return names


def normalize_url(url: str) -> str:
    """Pick psycopg (v3) for bare PostgreSQL URLs, since SQLAlchemy would otherwise ask for psycopg2."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def get_engine(url: str) -> Engine:
    """One engine per database URL for the life of the process."""
    url = normalize_url(url)
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            # SQLite: wait for another writer (e.g. the web app) instead of failing at once.
            connect_args = {"timeout": 30} if url.startswith("sqlite") else {}
            engine = create_engine(url, connect_args=connect_args)
            _engines[url] = engine
        return engine


def alembic_config() -> Config:
    """An Alembic configuration pointing at the migrations shipped inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def migrate(url: str) -> None:
    """Upgrade the database at url to the newest schema (Alembic upgrade head)."""
    engine = get_engine(url)
    with engine.begin() as connection:
        cfg = alembic_config()
        # Hand Alembic the connection rather than the URL: URLs may contain '%', which ini
        # interpolation would mangle.
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    with _lock:
        _migrated.add(normalize_url(url))


def session_factory(settings: Settings) -> sessionmaker[Session]:
    """Sessions on the settings' application database, migrated to head on first use in this process."""
    url = normalize_url(settings.database_url)
    if url not in _migrated:
        migrate(url)
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)
