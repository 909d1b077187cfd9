"""The README and the docs: every local link and screenshot they show exists (snapshots get renamed)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_local_link_and_image_exists(doc):
    targets = re.findall(r"\]\(<?([^)>\s]+)>?\)", doc.read_text(encoding="utf-8"))
    local = [t for t in targets if not re.match(r"[a-z]+://|#|mailto:", t)]
    missing = [t for t in local if not (doc.parent / unquote(t.split("#")[0])).exists()]
    assert not missing, f"{doc.name} links to files that do not exist: {missing}"
