"""The report registry, parameter validation and the HTML post-processing (no kernel runs)."""

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import cli, paths
from analysis import parameters as parameters_module
from analysis.build import registry as registry_module
from analysis.build.export import Attachment, css_content, finish_html, inspect_parameters
from analysis.build.registry import REGISTRY, ParameterError
from analysis.build.run import BuildLocked, build_lock, make_config
from analysis.parameters import LANGS, PARAMETERS, parameter_descriptions
from analysis.present.display import ATTACHMENT_MIMETYPE, attachment_bundle

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def run_cli(capsys, *argv):
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- the registry agrees with the notebooks ----------------------------------------------


def inspect_cell(notebook):
    import papermill

    # papermill's own reader, as `papermill --help-notebook` uses it.
    return papermill.inspect_notebook(str(notebook))


@pytest.mark.parametrize("name", list(REGISTRY))
def test_registry_matches_notebook_parameters_cell(name):
    report = REGISTRY[name]
    found = inspect_cell(paths.NOTEBOOKS_DIR / report.notebook)
    for param in report.parameters:
        if param.name not in found:
            continue
        inspected = found[param.name]
        assert inspected["inferred_type_name"] == param.type_name, param.name
        assert ast.literal_eval(inspected["default"]) == param.default, param.name
        assert inspected["help"] == param.help, param.name
    declared = [p.name for p in report.parameters]
    assert list(found) == declared


@pytest.mark.parametrize(
    "notebook",
    sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")) + sorted(FIXTURES.glob("*.ipynb")),
    ids=lambda path: path.name,
)
def test_every_declared_parameter_in_a_notebook_is_written_as_declared(notebook):
    nb = nbformat.read(notebook, as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    found = {name: rest for name, *rest in inspect_parameters(cell.source)}
    shared = [name for name in found if name in PARAMETERS]
    assert "lang" in shared
    for name in shared:
        param = PARAMETERS[name]
        annotation, default, help_text = found[name]
        assert annotation == param.type_name, name
        assert ast.literal_eval(default) == param.default, name
        assert help_text == param.help, name


def test_reports_use_the_one_declaration_of_each_parameter():
    for report in REGISTRY.values():
        for param in report.parameters:
            assert param is PARAMETERS[param.name], (report.name, param.name)
    used = {p.name for report in REGISTRY.values() for p in report.parameters}
    assert used == set(PARAMETERS)
    assert registry_module.LANGS is parameters_module.LANGS
    assert PARAMETERS["lang"].choices == parameters_module.LANGS


def test_parameter_descriptions_give_units_and_message_keys():
    share, jobs, as_of = parameter_descriptions(["public_share", "direct_jobs", "as_of"])
    # A share 0-1 shown in percent: 0.5 is 0.5 * 100 = 50 %.
    assert (share.unit, share.scale, share.label) == (
        "percent",
        100,
        "report.param.public_share.label",
    )
    assert share.rationale == "report.param.public_share.rationale"
    assert (share.minimum, share.maximum) == (0, 1)
    assert (jobs.unit, jobs.scale, jobs.maximum) == ("jobs", 1, 100_000)
    assert (as_of.unit, as_of.default) == ("date", None)
    assert [d.name for d in parameter_descriptions()] == [
        "cagr_tolerance",
        "public_share",
        "direct_jobs",
        "indirect_jobs",
        "as_of",
    ]
    with pytest.raises(KeyError, match="unknown parameter 'colour'"):
        parameter_descriptions(["colour"])


def test_parameter_labels_exist_in_the_catalogue():
    from analysis.present.messages import catalogue

    keys = set(catalogue())
    missing = [
        key
        for d in parameter_descriptions()
        for key in (d.label, d.rationale)
        if key is not None and key not in keys
    ]
    assert missing == []


def test_inspection_reads_pep604_annotations_and_equal_signs_in_help():
    source = 'x: float | None = None  # a (0-1); None = stated\ny = 3  # plain\nz: str = "a=b"\n'
    assert inspect_parameters(source) == [
        ("x", "float | None", "None", "a (0-1); None = stated"),
        ("y", "None", "3", "plain"),
        ("z", "str", '"a=b"', ""),
    ]


@pytest.mark.parametrize(
    "notebook",
    sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")) + sorted(FIXTURES.glob("*.ipynb")),
    ids=lambda path: path.name,
)
def test_notebooks_are_committed_without_outputs(notebook):
    nb = nbformat.read(notebook, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "a notebook without code cells"
    assert all(cell.outputs == [] for cell in code)
    assert all(cell.execution_count is None for cell in code)
    tagged = [cell for cell in nb.cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert nb.metadata.kernelspec.name == "python3"


def test_every_registered_report_has_its_notebook():
    names = {path.name for path in paths.NOTEBOOKS_DIR.glob("*.ipynb")}
    assert {report.notebook for report in REGISTRY.values()} <= names


# -- command-line validation: exact messages, exit code 2, nothing built ------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--report", "atmp_partnership", "-p", "public_share", "1.5"],
            "error: parameter 'public_share' of report 'atmp_partnership': "
            "1.5 is above the maximum 1",
        ),
        (
            ["-p", "direct_jobs", "-3"],
            "error: parameter 'direct_jobs' of report 'atmp_partnership': "
            "-3 is below the minimum 0",
        ),
        (
            ["-p", "cagr_tolerance", "many"],
            "error: parameter 'cagr_tolerance' of report 'sector_overview': "
            "expected a number or none, got 'many'",
        ),
        (
            ["-p", "colour", "red"],
            "error: unknown parameter 'colour'; parameters of the reports being built: "
            "as_of, cagr_tolerance, direct_jobs, indirect_jobs, public_share",
        ),
        (
            ["--report", "claims_audit", "-p", "public_share", "0.5"],
            "error: unknown parameter 'public_share'; parameters of the reports being built: "
            "as_of, cagr_tolerance",
        ),
        (
            ["-p", "atmp_partnership.colour", "red"],
            "error: report 'atmp_partnership' has no parameter 'colour'; "
            "its parameters: public_share, direct_jobs, indirect_jobs, as_of",
        ),
        (
            # A realistic maximum: 1e28 used to pass and fail inside the notebook.
            ["-p", "direct_jobs", "1e28"],
            "error: parameter 'direct_jobs' of report 'atmp_partnership': "
            "1e+28 is above the maximum 100000",
        ),
        (
            ["-p", "indirect_jobs", "100001"],
            "error: parameter 'indirect_jobs' of report 'atmp_partnership': "
            "100001 is above the maximum 100000",
        ),
        (
            ["-p", "cagr_tolerance", "100.5"],
            "error: parameter 'cagr_tolerance' of report 'sector_overview': "
            "100.5 is above the maximum 100",
        ),
        (
            ["--as-of", "31/01/2024"],
            "error: parameter 'as_of' of report 'sector_overview': "
            "expected a date written YYYY-MM-DD, got '31/01/2024'",
        ),
        (
            ["-p", "as_of", "2024-02-30"],
            "error: parameter 'as_of' of report 'sector_overview': "
            "'2024-02-30' is not a calendar date: day is out of range for month",
        ),
        (
            ["--as-of", "2020-01-01"],
            "error: as_of 2020-01-01 is before the first source, S000 of February 2021",
        ),
        (
            # S000 is dated to the month of February 2021: published by its last day only.
            ["--report", "claims_audit", "--as-of", "2021-02-27"],
            "error: as_of 2021-02-27 is before the first source, S000 of February 2021",
        ),
        (["-p", "lang", "en"], "error: parameter 'lang' is chosen with --lang"),
        (["--lang", "fr,de"], "error: unknown language 'de'; languages: fr, en"),
        (
            ["--report", "market_map"],
            "error: unknown report 'market_map'; reports: "
            "sector_overview, atmp_partnership, claims_audit",
        ),
        (["--format", "html,docx"], "error: unknown format 'docx'; formats: html, pdf"),
    ],
)
def test_invalid_options_are_refused_before_anything_runs(capsys, tmp_path, argv, message):
    out = tmp_path / "out"
    code, stdout, stderr = run_cli(capsys, "build", "--out", str(out), *argv)
    assert code == 2
    assert stderr.strip() == message
    assert stdout == ""
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("public_share: [0.5,\n", "not valid YAML (line 2, column 1): expected the node content"),
        (
            "atmp_partnership:\n  public_share: '0.5'\n",
            "parameter 'public_share' of report 'atmp_partnership': "
            "expected a number or none, got '0.5'",
        ),
        (
            "atmp_partnership:\n  public_share: 2\n",
            "parameter 'public_share' of report 'atmp_partnership': 2 is above the maximum 1",
        ),
        (
            "cagr_tolerance: true\n",
            "parameter 'cagr_tolerance' of report 'sector_overview': "
            "expected a number or none, got true (bool)",
        ),
        ("shade: 3\n", "unknown parameter 'shade'"),
        ("- 1\n- 2\n", "expected a mapping of parameter names to values, got list"),
        ("atmp_partnership: 3\n", "section 'atmp_partnership' must map parameter names"),
        (
            # YAML would read a date itself, and fail with no name on a wrong one.
            "atmp_partnership:\n  as_of: 2024-13-01\n",
            "parameter 'as_of' of report 'atmp_partnership': "
            "'2024-13-01' is not a calendar date: month must be in 1..12",
        ),
        (
            "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
            "nested too deeply: a parameters file maps names to values, or a report to names"
            " and values (two levels at most)",
        ),
    ],
)
def test_invalid_params_file_is_refused_naming_the_file(capsys, tmp_path, content, message):
    params = tmp_path / "what-if.yml"
    params.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run_cli(capsys, "build", "--out", str(out), "--params", str(params))
    assert code == 2
    assert stderr.startswith(f"error: {params}: {message}")
    assert not out.exists()


def test_missing_params_file(capsys, tmp_path):
    code, _, stderr = run_cli(capsys, "build", "--params", str(tmp_path / "none.yml"))
    assert code == 2
    assert (
        stderr.strip() == f"error: {tmp_path / 'none.yml'}: cannot read: No such file or directory"
    )


def test_params_file_values_per_report_and_command_line_override(tmp_path):
    params = tmp_path / "params.yml"
    params.write_text(
        "cagr_tolerance: 2\natmp_partnership:\n  public_share: 0.25\n  direct_jobs: 400\n"
        "claims_audit:\n  cagr_tolerance: 3.5\n",
        encoding="utf-8",
    )
    config = make_config(
        params=[("direct_jobs", "500"), ("indirect_jobs", "none")], params_file=params
    )
    assert config.params == {
        "sector_overview": {"cagr_tolerance": 2.0},
        "atmp_partnership": {"public_share": 0.25, "direct_jobs": 500.0, "indirect_jobs": None},
        "claims_audit": {"cagr_tolerance": 3.5},
    }


def test_sections_for_reports_not_built_are_ignored(tmp_path):
    params = tmp_path / "params.yml"
    params.write_text("atmp_partnership:\n  public_share: 0.25\n", encoding="utf-8")
    config = make_config(reports=["claims_audit"], params_file=params)
    assert config.params == {"claims_audit": {}}


def test_list_shows_parameters_with_type_default_and_help(capsys):
    code, stdout, _ = run_cli(capsys, "list")
    assert code == 0
    lines = stdout.splitlines()
    assert "sector_overview  (notebooks/sector_overview.ipynb)" in lines
    share = next(line for line in lines if line.strip().startswith("public_share"))
    assert share.split()[:4] == ["public_share", "Optional[float]", "default", "None"]
    assert "default None" in share
    assert "public share of funding (0-1); None: the stated share [0 to 1]" in share
    lang = next(line for line in lines if line.strip().startswith("lang"))
    assert "default 'fr'" in lang and "[one of fr, en]" in lang
    jobs = next(line for line in lines if line.strip().startswith("direct_jobs"))
    assert jobs.endswith("[0 to 100000]")
    as_of = [line.split() for line in lines if line.strip().startswith("as_of")]
    assert len(as_of) == 3  # every report
    assert as_of[0][:4] == ["as_of", "Optional[str]", "default", "None"]
    assert as_of[0][-1] == "[YYYY-MM-DD]"


# -- lock --------------------------------------------------------------------------------


def test_second_build_on_same_folder_is_refused(capsys, tmp_path):
    out = tmp_path / "out"
    with build_lock(out):
        with pytest.raises(BuildLocked):
            with build_lock(out):
                pass
        code, _, stderr = run_cli(capsys, "build", "--out", str(out), "--report", "claims_audit")
    assert code == 3
    assert stderr.startswith("error: another build is writing to ")
    assert "wait for it to finish" in stderr
    assert not (out / "manifest.json").exists()
    # Released: the lock can be taken again.
    with build_lock(out):
        pass


def test_output_folder_that_is_a_file_is_refused(capsys, tmp_path):
    target = tmp_path / "reports.txt"
    target.write_text("not a folder", encoding="utf-8")
    code, _, stderr = run_cli(capsys, "build", "--out", str(target), "--report", "claims_audit")
    assert code == 2
    assert stderr == (
        f"error: the output folder {target} is a file, not a folder; choose another with --out\n"
    )
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_read_only_output_folder_is_refused(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    command = [sys.executable, "-m", "analysis", "build", "--out", str(folder)]
    if os.geteuid() == 0:
        # Root writes anywhere unless it gives up the capability to ignore permissions.
        if shutil.which("setpriv") is None:
            pytest.skip("running as root, and setpriv (util-linux) is not installed")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    result = subprocess.run(command, cwd=paths.ROOT, capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        f"error: cannot write to the output folder {folder}: Permission denied;"
        " choose another with --out\n"
    )
    assert list(folder.iterdir()) == []


# -- page helpers ------------------------------------------------------------------------


def test_footer_message_becomes_css_counters():
    assert css_content("Page {page} sur {pages}") == '"Page " counter(page) " sur " counter(pages)'
    assert css_content('{page}/{pages} "x"') == 'counter(page) "/" counter(pages) " \\"x\\""'


def test_finish_html_fills_title_description_ids_and_contents():
    page = (
        "<!DOCTYPE html><html lang='fr'><head><title></title></head><body><main>"
        "<div class='cell'><h1>Le <em>titre</em> &amp; plus</h1>"
        "<p class='report-subtitle'>Sous-titre &lt;x&gt;</p></div>"
        "<div class='cell'><h2>Réseau</h2><h3>Détail</h3><h2>Réseau</h2></div>"
        "</main></body></html>"
    )
    out = finish_html(page, toc_title="Sommaire")
    assert "<title>Le titre &amp; plus</title>" in out
    assert '<meta content="Sous-titre &lt;x&gt;" name="description"/>' in out
    assert 'id="reseau"' in out and 'id="reseau-2"' in out and 'id="detail"' in out
    nav = out[out.index("<nav") : out.index("</nav>")]
    assert nav.index('href="#reseau"') < nav.index('href="#detail"') < nav.index('href="#reseau-2"')
    assert '<p class="toc-title">Sommaire</p>' in nav
    # The contents follow the title block, before the first section.
    assert out.index("report-subtitle") < out.index("<nav") < out.index("<h2")


def test_attachment_bundle():
    bundle = attachment_bundle("facts.csv", "Facts", "a,b\n1,2\n")
    assert bundle[ATTACHMENT_MIMETYPE] == {
        "filename": "facts.csv",
        "description": "Facts",
        "content": "a,b\n1,2\n",
    }
    assert json.loads(json.dumps(bundle)) == bundle
    with pytest.raises(ValueError, match="plain file name"):
        attachment_bundle("../facts.csv", "Facts", "")


def test_registry_reports_are_frozen():
    report = REGISTRY["atmp_partnership"]
    with pytest.raises(AttributeError):
        report.name = "other"  # type: ignore[misc]
    share = report.parameter("public_share")
    assert share is not None and share.check(0) == 0.0 and isinstance(share.check(1), float)
    with pytest.raises(ValueError, match="not a finite number"):
        share.check(float("nan"))
    with pytest.raises(ParameterError):
        make_config(langs=["EN"])


def test_command_line_stays_light():
    """The command line must not import the heavy libraries just to check or list."""
    code = (
        "import sys\n"
        "from analysis import cli\n"
        "assert cli.main(['list']) == 0\n"
        "heavy = {'pandas', 'matplotlib', 'weasyprint', 'papermill', 'nbconvert', 'yaml'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=paths.ROOT
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_library_hash_changes_with_templates(tmp_path):
    from analysis.build.run import library_hash

    package = tmp_path / "analysis"
    (package / "templates" / "t").mkdir(parents=True)
    (package / "static").mkdir()
    (package / "a.py").write_text("x = 1\n")
    (package / "templates" / "t" / "index.html.j2").write_text("<p>")
    (package / "static" / "report.css").write_text("p {}")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "a.pyc").write_bytes(b"junk")
    first = library_hash(package)
    (package / "__pycache__" / "a.pyc").write_bytes(b"other junk")
    assert library_hash(package) == first
    (package / "templates" / "t" / "index.html.j2").write_text("<p>!")
    second = library_hash(package)
    assert second != first
    (package / "static" / "report.css").write_text("p { color: red }")
    assert library_hash(package) != second
    assert len({first, second, hashlib.sha256(b"").hexdigest()}) == 3


def _executed_notebook():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    def code(source, outputs, tags=()):
        cell = new_code_cell(source, metadata={"tags": list(tags)}, execution_count=1)
        cell.outputs = outputs
        return cell

    return new_notebook(
        cells=[
            new_markdown_cell("Note for the authors", metadata={"tags": ["remove"]}),
            code(
                "lang = 'fr'",
                [new_output("stream", name="stdout", text="PARAMS\n")],
                ["parameters"],
            ),
            code(
                "x = 1",
                [new_output("stream", name="stdout", text="INJECTED\n")],
                ["injected-parameters"],
            ),
            code(
                "show()",
                [
                    new_output(
                        "display_data",
                        data={"text/html": "<h1>Titre</h1><p class='report-subtitle'>Sous</p>"},
                    ),
                    new_output("stream", name="stdout", text="a < b & c\n"),
                    new_output("stream", name="stderr", text="SOME WARNING\n"),
                    new_output(
                        "execute_result", data={"text/plain": "<b>raw</b>"}, execution_count=1
                    ),
                ],
            ),
            new_markdown_cell("## Section française", metadata={"tags": ["lang-fr"]}),
            new_markdown_cell("## English section", metadata={"tags": ["lang-en"]}),
            code(
                "attach()",
                [
                    new_output(
                        "display_data", data=attachment_bundle("d.csv", "Data", "a,b\n1,2\n")
                    ),
                    new_output(
                        "display_data",
                        data={"image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'/>"},
                        metadata={"image/svg+xml": {"alt": "A chart"}},
                    ),
                ],
            ),
        ],
        metadata={"language_info": {"name": "python"}},
    )


@pytest.mark.parametrize("lang", LANGS)
def test_template_shows_outputs_only_escaped_and_in_one_language(lang):
    from analysis.build.export import PageContext, notebook_to_html

    page, attachments = notebook_to_html(
        _executed_notebook(), PageContext(lang=lang, author="A & B", created="2024-05-14T00:00:00Z")
    )
    assert f'<html lang="{lang}">' in page
    assert "<title>Titre</title>" in page
    assert '<meta content="A &amp; B" name="author"/>' in page
    assert '<meta content="2024-05-14T00:00:00Z" name="dcterms.created"/>' in page
    assert "a &lt; b &amp; c" in page and "&lt;b&gt;raw&lt;/b&gt;" in page
    for hidden in ("Note for the authors", "PARAMS", "INJECTED", "SOME WARNING", "show()", "d.csv"):
        assert hidden not in page
    assert ("Section française" in page) == (lang == "fr")
    assert ("English section" in page) == (lang == "en")
    assert 'alt="A chart"' in page and 'src="data:image/svg+xml;base64,' in page
    assert "http://" not in page and "https://" not in page
    assert attachments == [Attachment("d.csv", "Data", "a,b\n1,2\n")]


def test_list_says_which_notebook_is_missing(tmp_path, capsys, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(paths.DATA_DIR, project / "data")
    (project / "notebooks").mkdir()
    shutil.copy(paths.NOTEBOOKS_DIR / "sector_overview.ipynb", project / "notebooks")
    # --project sets the variable for the process: restore it after the test.
    monkeypatch.setenv(paths.PROJECT_ENV, str(project))
    code, stdout, _ = run_cli(capsys, "--project", str(project), "list")
    assert code == 0
    heads = [line for line in stdout.splitlines() if line and not line.startswith(" ")]
    assert heads[:3] == [
        "sector_overview  (notebooks/sector_overview.ipynb)",
        "atmp_partnership  (notebooks/atmp_partnership.ipynb: missing, cannot be built)",
        "claims_audit  (notebooks/claims_audit.ipynb: missing, cannot be built)",
    ]
