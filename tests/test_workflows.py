"""The GitHub Actions workflows: valid by GitHub's schema (offline), least privilege, pinned, no injection."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
# A `${{ … }}` naming anything an outsider can set (a branch name, a title, an input) must
# never be pasted into a shell script; it goes through `env:` instead.
EXPRESSION = re.compile(r"\$\{\{")


def load(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_the_three_workflows_exist():
    assert [path.name for path in WORKFLOWS] == ["ci.yml", "gather.yml", "publish.yml"]


def test_workflows_validate_against_githubs_schema():
    checker = Path(sys.executable).with_name("check-jsonschema")
    done = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_least_privilege_pinned_actions_and_no_expressions_in_scripts(path):
    workflow = load(path)

    assert workflow["permissions"] == {}  # nothing by default; each job asks for what it needs
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} must say which permissions it needs"
        assert "timeout-minutes" in job, f"job {name} needs a timeout"
        for step in job["steps"]:
            if "uses" in step:
                assert re.match(r"^[\w.-]+/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})$", step["uses"]), step["uses"]
            if "run" in step:
                assert not EXPRESSION.search(step["run"]), f"{name}: pass values to run: through env:"


def test_publish_deploys_to_pages_with_oidc_and_one_deployment_at_a_time():
    publish = load(REPO / ".github" / "workflows" / "publish.yml")

    assert publish["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    steps = [step.get("uses", step.get("run", "")) for step in publish["jobs"]["build"]["steps"]]
    assert any(step.startswith("actions/upload-pages-artifact@") for step in steps)
    assert any("publishconf.py --fatal warnings" in step for step in steps)


def test_gather_keeps_the_editors_draft_and_its_schedule_alive():
    gather = load(REPO / ".github" / "workflows" / "gather.yml")

    assert {"schedule", "workflow_dispatch"} <= set(gather["on"])
    steps = gather["jobs"]["gather"]["steps"]
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert 'git checkout "origin/$BRANCH" -- content/issues/' in scripts  # start from the pull request's draft
    [pull_request] = [step for step in steps if step.get("uses", "").startswith("peter-evans/create-pull-request@")]
    assert pull_request["with"]["branch"] == "${{ steps.week.outputs.branch }}"
    assert "enable" in gather["jobs"]["keepalive"]["steps"][0]["run"]


@pytest.mark.validator
def test_publish_check_runs_what_the_publish_workflow_runs():
    if not (REPO / "node_modules" / "vnu-jar").exists():
        pytest.skip("the Nu HTML checker is not installed (make test installs it)")
    done = subprocess.run([str(REPO / "scripts" / "publish-check")], capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "issues are ready to publish." in done.stdout
