"""Where the data is found: the project folder, and the command line that names it."""

from pathlib import Path

import pytest

from analysis import cli, paths


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder (data/datapackage.json, notebooks/) with no variable set."""
    for name in (paths.PROJECT_ENV, paths.DATA_ENV):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "datapackage.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notebooks" / "drafts").mkdir(parents=True)
    return tmp_path


def test_the_project_is_the_current_folder(project, monkeypatch):
    monkeypatch.chdir(project)
    assert paths.project_dir() == project
    assert (paths.data_dir(), paths.notebooks_dir(), paths.reports_dir()) == (
        project / "data",
        project / "notebooks",
        project / "reports",
    )
    assert (paths.ROOT, paths.DATA_DIR, paths.NOTEBOOKS_DIR, paths.REPORTS_DIR) == (
        project,
        project / "data",
        project / "notebooks",
        project / "reports",
    )


def test_the_project_is_found_from_a_subfolder(project, monkeypatch):
    monkeypatch.chdir(project / "notebooks" / "drafts")
    assert paths.project_dir() == project


def test_outside_any_project_it_is_the_current_folder_never_the_package(project, monkeypatch):
    elsewhere = project / "notebooks"
    (project / "data" / "datapackage.json").unlink()
    monkeypatch.chdir(elsewhere)
    assert paths.project_dir() == elsewhere
    assert paths.PACKAGE_DIR.parent != paths.project_dir()


def test_the_variable_names_the_project(project, monkeypatch, tmp_path_factory):
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    monkeypatch.setenv(paths.PROJECT_ENV, str(project))
    assert paths.data_dir() == project / "data"
    monkeypatch.setenv(paths.DATA_ENV, "/some/data")
    assert paths.data_dir() == Path("/some/data")  # the data folder alone may be elsewhere


def test_an_unknown_path_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'DATA'"):
        paths.DATA  # noqa: B018


# --- the command line ------------------------------------------------------------------------


def test_the_project_option_points_check_data_at_a_project(data_copy, monkeypatch, capsys):
    folder = data_copy()  # tmp_path/data
    monkeypatch.setenv(paths.PROJECT_ENV, "/nowhere")  # restored after the test
    monkeypatch.delenv(paths.DATA_ENV, raising=False)
    monkeypatch.chdir(folder)
    assert cli.main(["--project", str(folder.parent), "check-data"]) == 0
    assert capsys.readouterr().out.startswith(f"Data package {folder}: valid\n")


def test_a_project_option_naming_no_folder_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["--project", str(tmp_path / "absent"), "list"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.endswith(f"error: argument --project: {tmp_path / 'absent'}: no such folder\n")


def test_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"biotech-report {version('biotech-report')}\n"


@pytest.mark.parametrize(
    ("command", "opening"),
    [
        ("check-data", "Validate the curated tables of data/ against datapackage.json"),
        ("audit", "Print the audit of every checkable claim of the sources"),
        ("build", "Execute the report notebooks and render them as HTML and PDF"),
        ("list", "List the reports and the parameters each one accepts."),
    ],
)
def test_every_subcommand_help_opens_with_what_it_does(command, opening, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # one line per paragraph
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"usage: biotech-report {command}")
    first_paragraph = lines[lines.index("") + 1]  # after the usage, however many lines it has
    assert first_paragraph.startswith(opening)
