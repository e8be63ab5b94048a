"""Test configuration: rule cases in ``tests/cases/*.yaml`` are collected as tests (OpenFisca style).

A case states an action, a call year, a consortium and the expected verdict, failing criteria or error.
Cases are specifications a non-programmer can read and extend: a new call year is new cases, no code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml
from tools import ALLOWED, tools_required

from ka2forms import errors
from ka2forms.model import Partner
from ka2forms.rules import resolve_country, resolve_role, resolve_type
from ka2forms.services.check import check_consortium

CASE_KEYS = {"name", "action", "call_year", "consortium", "duration", "grant", "expect"}
EXPECT_KEYS = {"eligible", "failing", "passing", "error", "message", "warnings", "no_warnings"}


def pytest_configure(config: pytest.Config) -> None:
    """The tests' own cache folder (ka2forms.cache): nothing written to the user's, every run starts cold."""
    import os
    import tempfile

    os.environ.setdefault("KA2FORMS_CACHE_DIR", tempfile.mkdtemp(prefix="ka2forms-test-cache-"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """With KA2FORMS_REQUIRE_TOOLS=1 (CI), a skipped test is a failed one: see tests/tools.py."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and tools_required() and not getattr(report, "wasxfail", None):
        reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
        if not reason.startswith("Skipped: " + ALLOWED) and not reason.startswith(ALLOWED):
            report.outcome = "failed"
            report.longrepr = f"skipped in CI (KA2FORMS_REQUIRE_TOOLS=1), which must have every tool: {reason}"


def pytest_collect_file(parent: pytest.Collector, file_path: Any) -> pytest.File | None:
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases":
        return RuleCaseFile.from_parent(parent, path=file_path)
    return None


class RuleCaseFile(pytest.File):
    def collect(self):  # type: ignore[no-untyped-def]
        cases = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        for i, case in enumerate(cases):
            unknown = set(case) - CASE_KEYS
            if unknown or set(case.get("expect", {})) - EXPECT_KEYS:
                raise ValueError(f"{self.path.name} case {i}: unknown keys {unknown or case['expect'].keys()}")
            yield RuleCase.from_parent(self, name=case["name"], case=case)


def partners_from(rows: list[Any]) -> list[Partner]:
    """``[role, country, type]`` rows (or dicts with pic/oid) → Partners with unique PIC and OID by default."""
    out = []
    for i, row in enumerate(rows):
        if isinstance(row, dict):
            role, country, org_type = row["role"], row["country"], row["type"]
            pic = row.get("pic", f"{900000000 + i}")
            oid = row.get("oid", f"E{10000000 + i}")
        else:
            role, country, org_type = row
            pic, oid = f"{900000000 + i}", f"E{10000000 + i}"
        out.append(Partner(role=resolve_role(role), organisation=f"Organisation {i + 1} ({country})",
                           country=resolve_country(country), org_type=resolve_type(org_type), pic=pic, oid=oid))
    return out


class RuleCase(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        c, expect = self.case, self.case["expect"]
        grant = Decimal(str(c["grant"])) if "grant" in c else None
        try:
            result = check_consortium(c["action"], c["call_year"], partners_from(c.get("consortium", [])),
                                      duration_months=c.get("duration"), requested_grant=grant)
        except errors.Ka2Error as e:
            if "error" not in expect:
                raise
            assert type(e).__name__ == expect["error"], f"expected {expect['error']}, got {type(e).__name__}: {e}"
            if "message" in expect:
                assert expect["message"] in str(e), f"{expect['message']!r} not in {str(e)!r}"
            return
        assert "error" not in expect, f"expected {expect['error']}, but the check returned a verdict"
        failing = {r.id for r in result.failing}
        passing = {r.id for r in result.criteria if r.ok}
        if "eligible" in expect:
            assert result.eligible is expect["eligible"], f"eligible={result.eligible}; failing: {sorted(failing)}"
        if "failing" in expect:
            assert failing == set(expect["failing"]), f"failing {sorted(failing)}"
        if "passing" in expect:
            assert set(expect["passing"]) <= passing, f"passing {sorted(passing)}"
        for fragment in expect.get("warnings", []):
            assert any(fragment in w for w in result.warnings), f"no warning containing {fragment!r}: {result.warnings}"
        for fragment in expect.get("no_warnings", []):
            found = [w for w in result.warnings if fragment in w]
            assert not found, f"a warning contains {fragment!r}: {found}"

    def reportinfo(self):  # type: ignore[no-untyped-def]
        return self.path, 0, f"rule case: {self.name}"

    def repr_failure(self, excinfo, style=None):  # type: ignore[no-untyped-def]
        if isinstance(excinfo.value, AssertionError):
            c = self.case
            return f"{self.path.name}: {self.name}\n  {c['action']} call {c['call_year']}: {excinfo.value}"
        return super().repr_failure(excinfo, style)
