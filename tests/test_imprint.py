"""The publisher and contact of [tool.biotech-report] in the project's pyproject.toml."""

import pytest

from analysis import imprint, paths
from analysis.cli import main
from analysis.parameters import LANGS
from analysis.present.document import Document


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder whose pyproject.toml a test writes (the notebooks are this one's)."""
    (tmp_path / "notebooks").symlink_to(paths.NOTEBOOKS_DIR)
    monkeypatch.setenv(paths.PROJECT_ENV, str(tmp_path))

    def write(text: str):
        (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
        return tmp_path / "pyproject.toml"

    return write


def test_the_project_names_no_publisher_so_the_default_is_neutral_in_each_language():
    assert imprint.settings() == {}  # the repository's pyproject.toml: an empty table
    assert imprint.publisher("en") == "Independent analysis"
    assert imprint.publisher("fr") == "Analyse indépendante"
    assert imprint.contact("en") == ""


def test_publisher_and_contact_as_one_text_or_one_per_language(project):
    project(
        "[tool.biotech-report]\n"
        'publisher = { fr = "Observatoire wallon", en = "Walloon Observatory" }\n'
        'contact = " desk@example.org "\n'
    )
    assert imprint.publisher("fr") == "Observatoire wallon"
    assert imprint.publisher("en") == "Walloon Observatory"
    assert imprint.contact("fr") == imprint.contact("en") == "desk@example.org"  # stripped


def test_no_pyproject_means_the_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.PROJECT_ENV, str(tmp_path))
    assert imprint.publisher("en") == "Independent analysis"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[tool.biotech-report]\npublsher = "X"\n',
            "[tool.biotech-report]: unknown setting 'publsher' (settings: publisher, contact)",
        ),
        (
            '[tool.biotech-report]\npublisher = "  "\n',
            "[tool.biotech-report]: 'publisher' is empty; remove it or give a text",
        ),
        (
            "[tool.biotech-report]\npublisher = 3\n",
            "[tool.biotech-report]: 'publisher' must be a text or a table of texts by "
            "language (fr, en), got 3",
        ),
        (
            '[tool.biotech-report]\ncontact = { fr = "a" }\n',
            "[tool.biotech-report]: 'contact' gives no text for language 'en'",
        ),
        (
            '[tool.biotech-report]\ncontact = { fr = "a", en = "b", de = "c" }\n',
            "[tool.biotech-report]: 'contact' has unknown language 'de' (languages: fr, en)",
        ),
    ],
)
def test_a_bad_setting_names_the_file_the_setting_and_the_rule(project, text, message):
    path = project(text)
    with pytest.raises(imprint.ImprintError) as error:
        imprint.settings()
    assert str(error.value) == f"{path} {message}"


def test_a_bad_setting_stops_the_build_before_anything_runs(project, capsys, tmp_path):
    path = project("[tool.biotech-report]\npublisher = 3\n")
    assert main(["build", "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"error: {path} [tool.biotech-report]: 'publisher' must be a text or a table of "
        "texts by language (fr, en), got 3\n"
    )
    assert not (tmp_path / "out").exists()


def test_the_reports_name_the_configured_publisher_and_contact(ds, project):
    project(
        "[tool.biotech-report]\n"
        'publisher = "Walloon Observatory"\n'
        'contact = { fr = "redaction@example.org", en = "desk@example.org" }\n'
    )
    doc = Document(ds, "sector_overview", "en")
    assert doc.title_block().meta[0] == ("Publisher", "Walloon Observatory")
    assert doc.colophon().items[:2] == (
        ("Publisher", "Walloon Observatory"),
        ("Contact", "desk@example.org"),
    )
    fr = Document(ds, "sector_overview", "fr").colophon()
    assert fr.items[:2] == (
        ("Éditeur", "Walloon Observatory"),
        ("Contact", "redaction@example.org"),
    )


def test_a_new_publisher_is_an_input_of_every_variant(tmp_path, monkeypatch):
    from analysis.build.run import current_inputs, make_config

    config = make_config(reports=["claims_audit"], out_dir=tmp_path / "out")
    before = current_inputs(config)
    monkeypatch.setattr(imprint, "settings", lambda: {"publisher": dict.fromkeys(LANGS, "X")})
    after = current_inputs(config)
    assert after.imprint != before.imprint
    assert after.data == before.data and after.messages == before.messages
