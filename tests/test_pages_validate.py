"""Every page of the built site passes the Nu HTML checker (vnu.jar from npm, run with Java)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import REPO
from site_under_test import served_site

pytestmark = pytest.mark.validator
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.skipif(not VNU.exists() or not shutil.which("java"),
                    reason="the Nu HTML checker needs npm's vnu-jar and Java (make test installs both)")
def test_every_page_passes_the_nu_html_checker(tmp_path):
    with served_site(tmp_path) as (_, output):
        # Email versions are for mail clients, which need the table attributes HTML5 calls obsolete.
        pages = sorted(str(path) for path in output.rglob("*.html")
                       if path.name != "email.html" and "pagefind" not in path.parts)
        done = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *pages],
                              capture_output=True, text=True, timeout=300, check=True)

    messages = json.loads(done.stderr or done.stdout)["messages"]
    problems = [(m["url"].rsplit("/output/", 1)[-1], m.get("lastLine"), m["message"]) for m in messages
                if m["type"] == "error" or m.get("subType") == "warning"]
    assert len(pages) >= 15
    assert problems == []
