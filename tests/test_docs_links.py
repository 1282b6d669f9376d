"""Every relative link in the README and the docs pages points at a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "bench" / "results").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def relative_links(page: Path) -> list[str]:
    """Return the link targets of ``page`` that are files of this repository (no URL, no bare anchor)."""
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.DOTALL)  # code blocks hold no links
    targets = [m.group(1).split("#", 1)[0] for m in LINK.finditer(text)]
    return [t for t in targets if t and not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    missing = [t for t in relative_links(page) if not (page.parent / t).exists()]
    assert not missing, f"{page.relative_to(ROOT)} links to missing files: {missing}"


def test_the_readme_stays_short_and_keeps_its_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= 250
    assert "make train" in text and "make test" in text


def test_docs_holds_topic_pages_not_run_outputs() -> None:
    """Logs and JSON dumps of runs live in bench/results/, not in docs/."""
    outputs = sorted(p.name for p in (ROOT / "docs").rglob("*") if p.suffix in (".log", ".json"))
    assert not outputs, f"run outputs in docs/: {outputs}; allowed: bench/results/"
