"""The README, the changelog and docs/: every local link and image points at a file; the README stays short."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]
README_MAX_LINES = 250

# [text](target), ![alt](target) and [text](<target with spaces>), plus reference definitions "[id]: target".
INLINE = re.compile(r"\]\(\s*(<[^>]*>|[^)\s]+)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.MULTILINE)
HTML = re.compile(r"""<(?:img|a)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)


def local_targets(text: str) -> list[str]:
    """The link and image targets of a Markdown text that name a file: no URL, no bare anchor, no code block."""
    text = CODE_SPAN.sub("", FENCE.sub("", text))
    found = [*INLINE.findall(text), *REFERENCE.findall(text), *HTML.findall(text)]
    targets = [t[1:-1] if t.startswith("<") else t for t in found]
    return [t for t in targets if not re.match(r"[a-z][a-z0-9+.-]*:|#", t, re.IGNORECASE)]


def missing_targets(doc: Path) -> list[str]:
    """The local targets of ``doc`` that name no existing file (relative to the document, anchors dropped)."""
    targets = local_targets(doc.read_text(encoding="utf-8"))
    return [t for t in targets if not (doc.parent / unquote(t.split("#")[0])).exists()]


@functools.cache
def anchors(doc: Path) -> frozenset[str]:
    """The anchors a Markdown page's headings get on GitHub: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*#*$", FENCE.sub("", doc.read_text(encoding="utf-8")), re.MULTILINE)
    found: set[str] = set()
    for heading in headings:
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        n = 0
        while (candidate := slug if n == 0 else f"{slug}-{n}") in found:
            n += 1
        found.add(candidate)
    return frozenset(found)


def missing_anchors(doc: Path) -> list[str]:
    """Links of ``doc`` to a heading (``page.md#part`` or ``#part``) that the page does not have."""
    text = CODE_SPAN.sub("", FENCE.sub("", doc.read_text(encoding="utf-8")))
    links = [t[1:-1] if t.startswith("<") else t for t in INLINE.findall(text)]
    missing = []
    for link in links:
        path, _, anchor = link.partition("#")
        if not anchor or re.match(r"[a-z][a-z0-9+.-]*:", path, re.IGNORECASE):
            continue
        page = doc if not path else doc.parent / unquote(path)
        if page.suffix == ".md" and page.exists() and unquote(anchor) not in anchors(page):
            missing.append(link)
    return missing


#: A file of the project named in a code span: `tui_convnet/ui/app.py`, `tests/ui/`, `docs/guide/draw.md`.
PROJECT_PATH = re.compile(r"`((?:tui_convnet|tests|benchmarks|scripts|assets|docs)/[\w./-]*)`")


def missing_project_paths(doc: Path) -> list[str]:
    """The project paths ``doc`` names in code spans (relative to the project's root) that do not exist."""
    text = FENCE.sub("", doc.read_text(encoding="utf-8"))
    return [p for p in dict.fromkeys(PROJECT_PATH.findall(text)) if not (ROOT / p).exists()]


def test_the_docs_are_found() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in DOCS}
    assert {"README.md", "CHANGELOG.md", "docs/reliability.md", "docs/guide/explorer.md"} <= names


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_local_link_and_image_exists(doc: Path) -> None:
    missing = missing_targets(doc)
    assert not missing, f"{doc.relative_to(ROOT)} links to files that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_to_a_heading_finds_it(doc: Path) -> None:
    missing = missing_anchors(doc)
    assert not missing, f"{doc.relative_to(ROOT)} links to headings that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_project_path_named_exists(doc: Path) -> None:
    """A module or test named in the docs is still there (files move: the docs must follow)."""
    missing = missing_project_paths(doc)
    assert not missing, f"{doc.relative_to(ROOT)} names project files that do not exist: {missing}"


def test_the_path_checker_reads_code_spans(tmp_path: Path) -> None:
    doc = tmp_path / "page.md"
    doc.write_text(
        "`tui_convnet/cli.py` `tests/` `tui_convnet/gone.py` `tests/gone/` `other/x.py` tui_convnet/bare.py\n"
    )
    assert missing_project_paths(doc) == ["tui_convnet/gone.py", "tests/gone/"]


def test_the_anchor_checker_follows_githubs_rules(tmp_path: Path) -> None:
    (tmp_path / "there.md").write_text("# Lesson 13 · A kernel\n## Keys\n## Keys\n```\n# not a heading\n```\n")
    doc = tmp_path / "page.md"
    doc.write_text(
        "## Here\n[a](there.md#lesson-13--a-kernel) [b](there.md#keys-1) [c](#here) [d](https://x.org/#y)\n"
        "[e](there.md#keys-2) [f](#gone) [g](there.md#not-a-heading)\n"
    )
    assert missing_anchors(doc) == ["there.md#keys-2", "#gone", "there.md#not-a-heading"]


def test_the_checker_sees_every_kind_of_link(tmp_path: Path) -> None:
    doc = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("x")
    doc.write_text(
        "[ok](there.md) [anchor](there.md#part) [web](https://example.org/x) [self](#top)\n"
        "![img](gone.svg) [spaced](<gone dir/a b.md>) [encoded](gone%5B1%5D.svg)\n"
        '<img src="gone.png" alt="x">\n'
        "[ref]: gone-ref.md\n"
        "```\n[in code](not-a-link.md)\n```\n`a[0](b)` and ``x[1](y)``\n"
    )
    assert missing_targets(doc) == ["gone.svg", "gone dir/a b.md", "gone%5B1%5D.svg", "gone-ref.md", "gone.png"]


def test_the_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, (
        f"README.md has {lines} lines (at most {README_MAX_LINES}): the rest goes in docs/"
    )


def test_the_readme_shows_no_image_a_package_index_cannot() -> None:
    """On a package index the README stands alone: a relative image would show as a broken picture."""
    text = FENCE.sub("", (ROOT / "README.md").read_text(encoding="utf-8"))
    images = re.findall(r"!\[[^\]]*\]\(\s*<?([^)>\s]+)", text) + re.findall(r"<img\b[^>]*\bsrc=[\"']([^\"']+)", text)
    relative = [i for i in images if not re.match(r"https?://", i)]
    assert not relative, f"README.md shows images by relative paths, broken on a package index: {relative}"


#: What a reader of this repository cannot follow: a tracker's issue number, or a path outside the repository.
FOREIGN_REFERENCE = re.compile(r"\b[Ii]ssues? ?#?\d+\b|\.\./shared/|/work/")


def test_no_issue_numbers_or_paths_outside_the_repository() -> None:
    """The code, tests, benchmarks, scripts and docs say what a change is for, not which tracker item asked for it."""
    files = [ROOT / name for name in ("README.md", "CHANGELOG.md", "Makefile", "pyproject.toml")]
    for folder in ("tui_convnet", "tests", "benchmarks", "scripts", "docs", ".ci"):
        files += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and p.suffix in {".py", ".md", ".tcss", ".toml", ".sh", ""}
        ]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        if "__snapshots__" not in path.parts and path != Path(__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if FOREIGN_REFERENCE.search(line)
    ]
    assert not found, "\n".join(found)
