"""Reading the bundled rules data files.

YAML is read once per process and cached: the Excel add-in recalculates formulas many times, and the
first formula must answer fast. Duplicate keys are refused (PyYAML silently keeps the last one, which
would hide a copy-paste mistake in a rule).
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from ka2forms.errors import RulesDataError
from ka2forms.rules.provenance import Confidence, Provenance, Source

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe YAML loader that refuses duplicate mapping keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            line = key_node.start_mark.line + 1
            raise RulesDataError(f"duplicate key {key!r} at line {line} of {key_node.start_mark.name}")
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _data_file(name: str) -> Any:
    return resources.files("ka2forms.rules").joinpath("data", name)


@cache
def read_actions() -> dict[str, Any]:
    """Every action of ``ka2forms/rules/data/actions/*.yaml``, one file per action, in a stable order.

    One file per action keeps a new action (or a new call year of one) a change to one small file.
    The order is the programme period, then the file name, so listings read 2014–2020 before 2021–2027.
    """
    folder = _data_file("actions")
    merged: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for entry in sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name):
        name = f"actions/{entry.name}"
        data = read_yaml(name) or {}
        if not isinstance(data, dict):
            raise RulesDataError(f"{name}: expected a mapping of action keys")
        for key, raw in data.items():
            if key in owner:
                raise RulesDataError(f"{name}: action {key} is already defined in {owner[key]}")
            owner[key] = name
            merged[key] = raw
    if not merged:
        raise RulesDataError("no action files in ka2forms/rules/data/actions/")
    return dict(sorted(merged.items(), key=lambda kv: str(kv[1].get("period", ""))))


@cache
def read_yaml(name: str) -> Any:
    """The parsed content of ``ka2forms/rules/data/<name>``."""
    path = _data_file(name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise RulesDataError(f"rules data file {name} is missing from the installation") from e
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as e:
        raise RulesDataError(f"{name}: {e}") from e


@cache
def read_json(name: str) -> Any:
    """The parsed content of ``ka2forms/rules/data/<name>``."""
    return json.loads(_data_file(name).read_text(encoding="utf-8"))


QUOTE_MAX_WORDS = 40
_SOURCE_KEYS = {"kind", "title", "url", "file", "call_year", "read", "quote", "note"}


@cache
def official_domains() -> dict[str, dict[str, str]]:
    """Web domains of official publishers (``publishers.yaml``): Commission, agencies, governments."""
    return dict(read_yaml("publishers.yaml"))


def is_official_url(url: str | None) -> bool:
    """Whether a URL is published by an official publisher (its host is a listed domain or a subdomain)."""
    host = (urlsplit(url or "").hostname or "").rstrip(".").lower().removeprefix("www.")
    return bool(host) and any(host == d or host.endswith("." + d) for d in official_domains())


def _check_source(sid: str, raw: dict[str, Any]) -> None:
    where = f"sources.yaml: {sid}"
    if unknown := set(raw) - _SOURCE_KEYS:
        raise RulesDataError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    if raw.get("kind") not in {"seed", "official", "third-party", "project"}:
        raise RulesDataError(f"{where}: kind must be seed, official, third-party or project")
    if raw["kind"] == "official" and not is_official_url(raw.get("url")):
        raise RulesDataError(f"{where}: kind official needs a URL of an official publisher (publishers.yaml), "
                             f"not {raw.get('url')!r}")
    if "read" in raw and not isinstance(raw["read"], dt.date):
        raise RulesDataError(f"{where}: read must be a date like 2026-12-01")
    quote = raw.get("quote")
    if quote is not None and (not isinstance(quote, str) or len(quote.split()) > QUOTE_MAX_WORDS):
        raise RulesDataError(f"{where}: quote must be text of at most {QUOTE_MAX_WORDS} words")


@cache
def sources() -> dict[str, Source]:
    """Every citable source by id (``sources.yaml``), checked: an ``official`` one has an official URL."""
    out = {}
    for sid, raw in read_yaml("sources.yaml").items():
        _check_source(sid, raw)
        read = raw.get("read")
        out[sid] = Source(id=sid, kind=raw["kind"], title=raw["title"], url=raw.get("url"), file=raw.get("file"),
                          call_year=None if raw.get("call_year") is None else str(raw["call_year"]),
                          read=read.isoformat() if read else None, quote=raw.get("quote"))
    return out


def provenance(raw: dict[str, Any], *, where: str) -> Provenance:
    """The ``source`` + ``confidence`` pair of one data entry, checked against ``sources.yaml``."""
    sid, conf = raw.get("source"), raw.get("confidence")
    if sid not in sources():
        raise RulesDataError(f"{where}: unknown source {sid!r} (add it to sources.yaml)")
    try:
        confidence = Confidence(conf)
    except ValueError:
        raise RulesDataError(f"{where}: confidence must be one of "
                             f"{', '.join(c.value for c in Confidence)}, not {conf!r}") from None
    source = sources()[sid]
    if confidence is Confidence.OFFICIAL and source.kind != "official":
        raise RulesDataError(f"{where}: confidence official needs a source of kind official; {sid} is {source.kind}")
    if confidence is Confidence.SEED and source.kind != "seed":
        raise RulesDataError(f"{where}: confidence seed needs a seed source; {sid} is {source.kind}")
    return Provenance(source, confidence)
