"""The GitHub Actions workflows: valid by GitHub's schema (offline), least privilege, pinned, no injection."""

from __future__ import annotations

import os
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


def test_gather_keeps_the_editors_draft_and_its_schedule_alive():
    gather = load(REPO / ".github" / "workflows" / "gather.yml")

    assert {"schedule", "workflow_dispatch"} <= set(gather["on"])
    steps = gather["jobs"]["gather"]["steps"]
    scripts = "\n".join(step.get("run", "") for step in steps)
    assert 'git checkout "origin/$BRANCH" -- "${files[@]}"' in scripts  # start from the pull request's draft
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


def step_script(name: str) -> str:
    [step] = [step for step in load(REPO / ".github" / "workflows" / "gather.yml")["jobs"]["gather"]["steps"]
              if step.get("name") == name]
    return step["run"]


def run_step(name: str, cwd: Path, outputs: Path, **env: str) -> dict[str, str]:
    """Run a step's script as the runner would, and return what it wrote to GITHUB_OUTPUT."""
    outputs.touch()
    subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step_script(name)], cwd=cwd, check=True,
                   env={"PATH": os.environ["PATH"], "HOME": str(cwd), "GITHUB_OUTPUT": str(outputs), **env})
    return dict(line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line)


def git(cwd: Path, *arguments: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Editor", "-c", "user.email=e@example.org", *arguments], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


def test_the_gather_step_starts_from_the_editors_draft_and_stands_back_if_they_push(tmp_path):
    work = tmp_path / "work"
    (work / "content" / "issues").mkdir(parents=True)
    git(work, "init", "--quiet", "--initial-branch=main")
    (work / "content" / "issues" / "2026-W47.md").write_text("Status: published\n")
    git(work, "add", "."), git(work, "commit", "--quiet", "-m", "W47")
    git(work, "checkout", "--quiet", "-b", "draft/2026-W48")
    (work / "content" / "issues" / "2026-W48.md").write_text("Status: draft\n\nMy note.\n")
    (work / "content" / "issues" / "2026-W47.md").write_text("Status: draft\n")  # an old copy on the branch
    git(work, "add", "."), git(work, "commit", "--quiet", "-m", "editor")
    git(work, "checkout", "--quiet", "main")
    git(tmp_path, "clone", "--quiet", "--bare", str(work), "origin.git")
    git(tmp_path, "clone", "--quiet", str(tmp_path / "origin.git"), "runner")
    runner, env = tmp_path / "runner", {"BRANCH": "draft/2026-W48", "WEEK": "2026-W48"}

    out = run_step("Start from the draft in the pull request, if there is one", runner, tmp_path / "out1", **env)

    assert (runner / "content" / "issues" / "2026-W48.md").read_text() == "Status: draft\n\nMy note.\n"
    assert (runner / "content" / "issues" / "2026-W47.md").read_text() == "Status: published\n"  # main's archive
    check = "Make sure the editor did not push while we gathered"
    assert "skip" not in run_step(check, runner, tmp_path / "out2", SEEN=out["head"], **env)
    git(work, "checkout", "--quiet", "draft/2026-W48")
    (work / "content" / "issues" / "2026-W48.md").write_text("Status: draft\n\nMy note, edited.\n")
    git(work, "commit", "--quiet", "-am", "edit"), git(work, "push", "--quiet", str(tmp_path / "origin.git"),
                                                        "draft/2026-W48")
    assert run_step(check, runner, tmp_path / "out3", SEEN=out["head"], **env)["skip"] == "true"
