"""The GitHub Actions workflows: valid by GitHub's schema (offline), least privilege, pinned, no injection."""

from __future__ import annotations

import json
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


def test_dependabot_keeps_the_pins_current():
    checker = Path(sys.executable).with_name("check-jsonschema")
    config = WORKFLOWS[0].parent.parent / "dependabot.yml"
    done = subprocess.run([str(checker), "--builtin-schema", "vendor.dependabot", str(config)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "github-actions" in [update["package-ecosystem"] for update in load(config)["updates"]]


def test_each_pin_names_its_version():
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            if "uses:" in line:
                assert re.search(r"@[0-9a-f]{40}  # v\d+\.\d+\.\d+$", line), line


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_least_privilege_pinned_actions_and_no_expressions_in_scripts(path):
    workflow = load(path)

    assert workflow["permissions"] == {}  # nothing by default; each job asks for what it needs
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} must say which permissions it needs"
        assert "timeout-minutes" in job, f"job {name} needs a timeout"
        for step in job["steps"]:
            if "uses" in step:
                assert re.match(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$", step["uses"]), f"pin {step['uses']} to a commit"
            if "run" in step:
                assert not EXPRESSION.search(step["run"]), f"{name}: pass values to run: through env:"


def test_publish_deploys_to_pages_with_oidc_and_one_deployment_at_a_time():
    publish = load(REPO / ".github" / "workflows" / "publish.yml")

    assert publish["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    steps = [step.get("uses", step.get("run", "")) for step in publish["jobs"]["build"]["steps"]]
    assert any(step.startswith("actions/upload-pages-artifact@") for step in steps)
    assert any("publishconf.py --fatal warnings" in step for step in steps)


def test_publish_sends_the_newest_issue_once_after_deploying_and_commits_the_receipt():
    send = load(REPO / ".github" / "workflows" / "publish.yml")["jobs"]["send"]

    assert send["needs"] == ["build", "deploy"] and send["permissions"] == {"contents": "write"}
    assert send["steps"][0]["with"]["ref"] == "main"  # a re-run of an old push sees the receipts since
    script = send["steps"][-1]["run"]
    assert script.startswith("lamplighter send -s publishconf.py\n")
    assert "git push origin HEAD:main" in script and "--force" not in script
    assert set(send["steps"][-1]["env"]) >= {"LAMPLIGHTER_SMTP_PASSWORD", "BUTTONDOWN_API_KEY", "LISTMONK_API_TOKEN"}


def test_gather_keeps_the_editors_draft_and_its_schedule_alive():
    gather = load(REPO / ".github" / "workflows" / "gather.yml")

    assert {"schedule", "workflow_dispatch"} <= set(gather["on"])
    scripts = "\n".join(step.get("run", "") for step in gather["jobs"]["gather"]["steps"])
    assert 'scripts/gather-draft-branch "$WEEK"' in scripts  # the branch as the editor left it (test_draft_branch.py)
    assert 'gh pr create --base main --head "$BRANCH"' in scripts and 'gh pr edit "$BRANCH"' in scripts
    assert "--force" not in scripts
    assert "enable" in gather["jobs"]["keepalive"]["steps"][0]["run"]


@pytest.mark.validator
def test_publish_check_runs_what_the_publish_workflow_runs():
    if not (REPO / "node_modules" / "vnu-jar").exists():
        pytest.skip("the Nu HTML checker is not installed (make test installs it)")
    done = subprocess.run([str(REPO / "scripts" / "publish-check")], capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "issues are ready to publish." in done.stdout


def test_zizmor_finds_nothing_above_low():
    """zizmor, offline, as an auditor: pinned actions, no persisted credentials, secrets behind
    an environment, documented permissions, no template injection."""
    zizmor = Path(sys.executable).with_name("zizmor")
    done = subprocess.run([str(zizmor), "--offline", "--persona=auditor", "--format=json",
                           str(REPO / ".github" / "workflows")], capture_output=True, text=True, timeout=120)
    findings = json.loads(done.stdout)
    above_low = [(f["ident"], f["determinations"]["severity"]) for f in findings
                 if f["determinations"]["severity"] not in ("Informational", "Low")]
    assert above_low == [], done.stdout
