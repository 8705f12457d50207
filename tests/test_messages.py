"""The message catalogues (analysis.present.messages): the shared one and one per report.

Three kinds of test: the catalogue files themselves (static), the loading, filling and
recording of messages (unit), and which keys real builds of the reports use (the last test,
in the build tier: it reads the keys served during the session's build of every report).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import paths
from analysis.build.registry import REGISTRY
from analysis.build.run import current_inputs, make_config
from analysis.present import messages
from analysis.present.messages import (
    LANGS,
    SHARED,
    USED_ENV,
    MessageError,
    catalogue,
    catalogue_files,
    english_typography,
    fill,
    french_typography,
    load,
    placeholders,
    read_file,
    read_used,
    report_of,
    served,
    shown,
    t,
    usage_problems,
)

# -- the catalogue files (static) ------------------------------------------------------------


@pytest.mark.parametrize("path", catalogue_files(), ids=lambda p: p.name)
def test_every_message_has_both_texts_and_the_same_placeholders(path):
    for key, texts in read_file(path).items():
        assert set(texts) == set(LANGS), f"{shown(path)}: {key}"
        for lang in LANGS:
            assert texts[lang].strip(), f"{shown(path)}: {key} has an empty {lang} text"
        assert placeholders(texts["fr"]) == placeholders(texts["en"]), f"{shown(path)}: {key}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_fills_with_counts_of_one_and_many(lang):
    # A plural choice is checked when filled: "1" and "2" take the two forms of both languages.
    for key, texts in catalogue().items():
        for count in ("1", "2"):
            filled = fill(texts[lang], lang, key, **dict.fromkeys(placeholders(texts[lang]), count))
            assert "{" not in filled, key


def test_the_report_catalogues_are_those_of_the_reports_beside_their_notebooks():
    files = catalogue_files()
    assert files[0] == SHARED
    assert {report_of(path) for path in files[1:]} == set(REGISTRY)
    for path in files[1:]:
        assert path.parent == paths.NOTEBOOKS_DIR
        assert (path.parent / REGISTRY[report_of(path)].notebook).is_file()


def test_each_report_catalogue_holds_text_of_its_own_report():
    assert messages.origin("report.sector_overview.title").name == "sector_overview.messages.yml"
    assert messages.origin("summary.partnership.jobs").name == "atmp_partnership.messages.yml"
    assert messages.origin("section.audit_versions").name == "claims_audit.messages.yml"
    # Used by two reports: shared.
    assert messages.origin("summary.tile.budget") == SHARED
    assert messages.origin("report.claims_audit.title") == SHARED
    assert messages.origin("report.page_footer") == SHARED


# -- loading ------------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_catalogue_is_read_once():
    assert catalogue() is catalogue()


def test_report_catalogues_come_from_the_notebooks_folder_of_paths(tmp_path, monkeypatch):
    write(tmp_path / "b_report.messages.yml", "")
    write(tmp_path / "a_report.messages.yml", "")
    write(tmp_path / "a_report.ipynb", "{}")
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    assert catalogue_files() == (
        SHARED,
        tmp_path / "a_report.messages.yml",
        tmp_path / "b_report.messages.yml",
    )


def test_files_are_merged_and_each_key_remembers_its_file(tmp_path):
    shared = write(tmp_path / "messages.yml", 'a:\n  fr: "un"\n  en: "one"\n')
    report = write(tmp_path / "r.messages.yml", 'b:\n  fr: "deux {n}"\n  en: "two {n}"\n')
    found = load([shared, report])
    assert {k: dict(v) for k, v in found.texts.items()} == {
        "a": {"fr": "un", "en": "one"},
        "b": {"fr": "deux {n}", "en": "two {n}"},
    }
    assert dict(found.files) == {"a": shared, "b": report}
    assert report_of(shared) is None and report_of(report) == "r"


def test_a_key_defined_in_two_files_names_both(tmp_path):
    shared = write(tmp_path / "messages.yml", 'a:\n  fr: "un"\n  en: "one"\n')
    report = write(tmp_path / "r.messages.yml", 'a:\n  fr: "une"\n  en: "one"\n')
    with pytest.raises(MessageError) as err:
        load([shared, report])
    assert str(err.value) == f"message 'a' is defined in both {shared} and {report}"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            'a:\n  fr: "un"\n  en: "one"\nb:\n  fr: "x"\n  en: "x"\na:\n  fr: "x"\n  en: "x"\n',
            "message 'a' is written twice (lines 1 and 7)",
        ),
        ('a:\n  fr: "un"\n  nl: "een"\n', "message 'a' must map fr and en to texts, got "
         "{'fr': 'un', 'nl': 'een'}"),
        ("a: one\n", "message 'a' must map fr and en to texts, got 'one'"),
        ("a:\n  fr: 1\n  en: one\n", "message 'a' must map fr and en to texts, got "
         "{'fr': 1, 'en': 'one'}"),
        ("- a\n", "must map message keys to texts"),
    ],
)  # fmt: skip
def test_a_bad_catalogue_file_is_named_with_the_rule_broken(tmp_path, text, problem):
    path = write(tmp_path / "r.messages.yml", text)
    with pytest.raises(MessageError) as err:
        read_file(path)
    assert str(err.value) == f"{path}: {problem}"


def test_a_file_inside_the_project_is_named_from_its_folder():
    assert shown(SHARED) == "analysis/present/messages.yml"


# -- filling --------------------------------------------------------------------------------------


def test_t_fills_placeholders_and_ignores_extra_values():
    assert t("qualifier.more_than", "fr", value="470", unused="x") == "plus de 470"
    assert t("verdict.not_verifiable", "en") == "not verifiable"


@pytest.mark.parametrize(
    ("lang", "count", "words"),
    [
        # CLDR: French takes the singular for 0 and 1, English for 1 only.
        ("fr", "0", "0\u00a0fait tiré"),
        ("fr", "1", "1\u00a0fait tiré"),
        ("fr", "2", "2\u00a0faits tirés"),
        ("fr", "1\u202f234", "1\u202f234\u00a0faits tirés"),  # formatted as fmt_number writes it
        ("en", "0", "0 facts taken"),
        ("en", "1", "1 fact taken"),
        ("en", "1,234", "1,234 facts taken"),
    ],
)
def test_a_word_agreeing_with_a_count_takes_its_plural_form(lang, count, words):
    assert words in t("report.data.intro", lang, n=count)


def test_plural_choices_take_numbers_as_well_as_formatted_counts():
    assert fill("{n} {n:one=check|other=checks}", "en", n=1) == "1 check"
    assert fill("{n} {n:one=contrôle|other=contrôles}", "fr", n=0) == "0 contrôle"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: t("no.such.key", "fr"), "unknown message key 'no.such.key'"),
        (lambda: t("verdict.conflict", "de"), "lang must be 'fr' or 'en', got 'de'"),
        (lambda: t("qualifier.about", "en"), "message 'qualifier.about' needs a value for value"),
        (lambda: t("report.data.intro", "en", n="more than 3"),
         "message 'report.data.intro': a plural choice needs a count, got 'more than 3'"),
        (lambda: fill("{n:one=a|few=b}", "en", n=1),
         "message '<template>': a plural choice names categories among zero, one, two, few, "
         "many, other, 'other' included, got 'one=a|few=b'"),
        (lambda: fill("{n:one=a|lots=b|other=c}", "en", "k", n=1),
         "message 'k': a plural choice names categories among zero, one, two, few, many, "
         "other, 'other' included, got 'one=a|lots=b|other=c'"),
    ],
)  # fmt: skip
def test_message_errors_are_clear_key_and_value_errors(call, message):
    with pytest.raises(MessageError) as err:
        call()
    assert str(err.value) == message
    assert isinstance(err.value, KeyError) and isinstance(err.value, ValueError)


# -- recording the keys served -------------------------------------------------------------------


def run_python(code: str, used: Path | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != USED_ENV}
    if used is not None:
        env[USED_ENV] = str(used)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_t_records_the_keys_it_serves_in_this_process():
    t("verdict.implausible", "en")
    assert "verdict.implausible" in served()


def test_each_process_appends_each_key_it_serves_once(tmp_path):
    used = tmp_path / "used.txt"
    code = (
        "from analysis.present.messages import has, t, template\n"
        "t('verdict.conflict', 'fr'); t('verdict.conflict', 'en'); has('verdict.consistent')\n"
        "template('report.page_footer', 'en'); t('qualifier.about', 'en', value='3')\n"
    )
    for _ in range(2):
        assert run_python(code, used).returncode == 0
    lines = [line.split("\t") for line in used.read_text(encoding="utf-8").splitlines()]
    # Two processes, three keys each, in the order served; has() only looks.
    assert [key for _, key in lines] == [
        "verdict.conflict", "report.page_footer", "qualifier.about",
        "verdict.conflict", "report.page_footer", "qualifier.about",
    ]  # fmt: skip
    assert lines[0][0] == lines[2][0] != lines[3][0] == lines[5][0]
    keys = frozenset({"verdict.conflict", "report.page_footer", "qualifier.about"})
    assert read_used(used) == [keys, keys]


def test_a_new_record_gives_the_next_report_of_a_kernel_its_own_keys(tmp_path):
    used = tmp_path / "used.txt"
    code = (
        "from analysis.present.messages import new_record, served, t\n"
        "t('verdict.conflict', 'en'); new_record(); assert served() == frozenset()\n"
        "t('verdict.conflict', 'en'); t('verdict.consistent', 'en')\n"
    )
    assert run_python(code, used).returncode == 0
    # One process, two records: the key served in both is written in both.
    assert read_used(used) == [
        frozenset({"verdict.conflict"}),
        frozenset({"verdict.conflict", "verdict.consistent"}),
    ]


def test_a_key_asked_for_but_missing_is_recorded_too(tmp_path):
    used = tmp_path / "used.txt"
    result = run_python("from analysis.present.messages import t; t('no.such.key', 'en')", used)
    assert "unknown message key 'no.such.key'" in result.stderr
    assert read_used(used) == [frozenset({"no.such.key"})]


def test_nothing_is_written_without_the_variable(tmp_path):
    result = run_python(
        "from analysis.present.messages import t; t('verdict.conflict', 'en')", None
    )
    assert result.returncode == 0
    assert list(tmp_path.iterdir()) == []


def test_a_report_catalogue_is_an_input_of_every_variant(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path)
    config = make_config(reports=["claims_audit"], out_dir=tmp_path / "out")
    path = write(tmp_path / "claims_audit.messages.yml", 'a:\n  fr: "un"\n  en: "one"\n')
    before = current_inputs(config).messages
    write(path, 'a:\n  fr: "une"\n  en: "one"\n')
    assert current_inputs(config).messages != before


# -- which keys the reports use ------------------------------------------------------------------


def test_usage_problems_name_each_key_and_what_is_wrong(tmp_path):
    shared = write(
        tmp_path / "messages.yml",
        'a.label:\n  fr: "x"\n  en: "x"\na.spare:\n  fr: "x"\n  en: "x"\n'
        'a.cli:\n  fr: "x"\n  en: "x"\n',
    )
    r1 = write(
        tmp_path / "notebooks" / "r1.messages.yml",
        'r1.title:\n  fr: "x"\n  en: "x"\nr1.unused:\n  fr: "x"\n  en: "x"\n'
        'r1.borrowed:\n  fr: "x"\n  en: "x"\n',
    )
    r2 = write(
        tmp_path / "notebooks" / "r2.messages.yml",
        'r2.title:\n  fr: "x"\n  en: "x"\nr2.half:\n  fr: "x"\n  en: ""\n',
    )
    used = {
        "r1": ["a.label", "r1.title", "ghost", "r1.title"],
        "r2": ["a.label", "r1.borrowed", "r2.title", "r2.half"],
    }
    problems = usage_problems(used, load([shared, r1, r2]), elsewhere=["a.cli"])
    assert problems == [
        f"a.spare: defined in {shared} but used by no report",
        "ghost: used by r1 but defined nowhere",
        f"r1.borrowed: defined in {r1} but never used by r1",
        f"r1.borrowed: defined in {r1} but used by r2: a text two reports use belongs to the "
        "shared catalogue",
        f"r1.unused: defined in {r1} but never used by r1",
        f"r2.half: used but has no en text in {r2}",
    ]
    complete = {"r1": ["a.label", "r1.title", "r1.unused", "r1.borrowed"]}
    assert usage_problems(complete, load([shared, r1]), elsewhere=["a.spare", "a.cli"]) == []


#: Shared keys that neither the reports built from data/ nor the command line serve, and why
#: each is kept. A key listed here that a report starts to use, or that disappears, fails the
#: build-tier test below, so the list stays exact.
SPARE = {
    # The amount granted against the whole budget: for a scenario whose public part does not
    # exceed the amount granted.
    "report.granted.budget_note",
    "report.granted.budget_sentence",
    "figure.funding.row.grants_budget",
    "figure.funding.remaining_budget",
    "figure.funding.alt_budget",
    "figure.funding.caption_scenario_budget",
    "figure.funding.caption_budget",
    # The formula of a figure the text implies, for an indicator without one of its own
    # (today's implied figures, Germany's and France's trade ranks, have theirs).
    "indicator.inferred.formula",
    # The methodology's sentence naming such figures.
    "report.method.implied",
    # Outcomes of the claims audit that today's facts do not produce.
    "audit.and",
    "audit.share_sum.inconsistent",
    "audit.parts_total.inconsistent",
    "audit.growth_rate.no_base_size",
    "audit.growth_rate.within_tolerance",
    "audit.growth_rate.outside_tolerance",
    "audit.growth_continuation.periods_differ",
    "audit.comparison.above",
    "audit.growth_continuation.no_later_size",
    "audit.repeat.compatible_figures",
    "audit.translation.different_qualifier",
    "audit.translation.different_value",
    # A qualifier, source dates, a timeline group and fact sections (datapackage.json's enum)
    # that no current row has.
    "qualifier.at_most",
    "figure.source.dated.month_elided",
    "figure.source.dated.quarter",
    "figure.timeline.group.other",
    "section.lead",
    "section.quote",
    # The colophon's contact, when pyproject.toml gives one (this project's does not).
    "report.meta.contact",
    # Table units the library offers for the indicators' units.
    "report.unit.EUR_billion",
    "report.unit.percentage_points",
    "report.unit.rank",
    "report.unit.years",
    "report.unit.employees",
    "report.unit.companies",
    "report.unit.organisations",
    "report.unit.people",
    "report.unit.workpackages",
    # Indicators computed (and listed by indicators.methodology) but shown by no report.
    "indicator.jobs.direct_annual_rate.label",
    "indicator.jobs.direct_annual_rate.definition",
    "indicator.jobs.direct_annual_rate.formula",
    "indicator.jobs.total_annual_rate.label",
    "indicator.jobs.total_annual_rate.definition",
    "indicator.jobs.total_annual_rate.formula",
    "indicator.market.start_size.label",
    "indicator.market.start_size.definition",
    "indicator.market.recomputed_rate.label",
    "indicator.market.recomputed_rate.definition",
    "indicator.market.recomputed_rate.formula",
    # The audit as a pandas table for exploring (audit.display_frame).
    "audit.col.facts",
    # A translated document named after "of" when the original is an article or a web page
    # (every current translation adapts a press release).
    "figure.source.kind.news_article.of",
    "figure.source.kind.web_page.of",
    # Two figures of one quantity in a summary: a quantity without its own wording, a second
    # figure in the body of the same text, a fact section without its own wording.
    "summary.quantity.other",
    "summary.where.same.body",
    "summary.where.other",
    # A summary of an edition with no conflict (before May 2024), or with no English page
    # (differences between the language versions counted, or the findings alone).
    "summary.no_conflict",
    "summary.findings_only",
    "summary.versions_only",
}

#: Variants the session build does not make, whose texts only they show: a scenario edition
#: of the partnership report, and a claims audit whose market check passes.
VARIANTS = [
    "--report", "atmp_partnership", "claims_audit", "--lang", "en", "--format", "html",
    "-p", "atmp_partnership.public_share", "0.5", "-p", "atmp_partnership.direct_jobs", "400",
    "-p", "atmp_partnership.indirect_jobs", "900", "-p", "claims_audit.cagr_tolerance", "100",
    "-p", "claims_audit.as_of", "2024-05-31",
]  # fmt: skip

COMMANDS = [["audit", "--lang", "fr"], ["audit", "--lang", "en"], ["check-data"]]


def by_report(processes: list[frozenset[str]]) -> tuple[dict[str, set[str]], set[str]]:
    """Split the keys of each process between the reports and the rest.

    A kernel's record covers one report, whose title block serves ``report.<name>.subtitle``;
    a record without a subtitle (a worker writing the HTML, a command) uses its keys
    elsewhere.
    """
    used: dict[str, set[str]] = {name: set() for name in REGISTRY}
    elsewhere: set[str] = set()
    for keys in processes:
        reports = [name for name in REGISTRY if f"report.{name}.subtitle" in keys]
        assert len(reports) <= 1, f"one record served the subtitles of {reports}"
        (used[reports[0]] if reports else elsewhere).update(keys)
    return used, elsewhere


def check_usage(used: dict[str, set[str]], elsewhere: set[str]) -> None:
    """Fail on any usage problem; builds nothing (the keys come from whichever builds ran)."""
    assert usage_problems(used, elsewhere=elsewhere | SPARE) == []
    reached = set().union(*used.values()) | elsewhere
    assert sorted(SPARE & reached) == [], "served now: remove from SPARE"
    assert sorted(k for k in SPARE if not messages.has(k) or messages.origin(k) != SHARED) == []


def test_keys_of_each_process_are_given_to_the_report_it_ran():
    processes = [
        frozenset(
            {"report.claims_audit.subtitle", "report.claims_audit.title", "verdict.conflict"}
        ),
        frozenset({"report.page_footer"}),
        frozenset({"report.sector_overview.subtitle", "report.claims_audit.title"}),
    ]
    used, elsewhere = by_report(processes)
    assert used == {
        "sector_overview": {"report.sector_overview.subtitle", "report.claims_audit.title"},
        "atmp_partnership": set(),
        "claims_audit": {
            "report.claims_audit.subtitle", "report.claims_audit.title", "verdict.conflict"
        },
    }  # fmt: skip
    assert elsewhere == {"report.page_footer"}


def biotech_report(args: list[str], used: Path, cwd: Path) -> None:
    env = {**os.environ, USED_ENV: str(used)}
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "--project", str(paths.ROOT), *args],
        env=env, cwd=cwd, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.build
def test_reports_use_every_message_of_their_catalogues(reports_build, tmp_path):
    """The keys served while the session built every report, two more variants and the
    commands: each report catalogue's keys used by its report only, each shared key by some.
    """
    extra = tmp_path / "used.txt"
    out = tmp_path / "out"
    biotech_report(["build", *VARIANTS, "--out", str(out), "--quiet"], extra, tmp_path)
    for command in COMMANDS:
        biotech_report(command, extra, tmp_path)
    processes = read_used(reports_build["messages_used"]) + read_used(extra)
    check_usage(*by_report(processes))


@pytest.mark.parametrize(
    ("typed", "set_"),
    [
        ("l'UE", "l\u2019UE"),
        ("Source : S002", "Source\u00a0: S002"),
        ("Source\u00a0: S002", "Source\u00a0: S002"),  # already set: unchanged
        ("un ; deux", "un\u202f; deux"),
        ("un\u00a0; deux", "un\u202f; deux"),
        (" ; ", "\u202f; "),  # a separator
        ("vrai ?", "vrai\u202f?"),
        ("« plus de »", "«\u00a0plus de\u00a0»"),
        ("? invérifiable", "? invérifiable"),  # a verdict sign opens the text: left alone
        ("{n:one=texte|other=textes}", "{n:one=texte|other=textes}"),  # a plural choice
        ("(S002) ;", "(S002)\u202f;"),
    ],
)
def test_french_typography(typed, set_):
    assert french_typography(typed) == set_


def test_texts_are_read_in_each_language_typography(tmp_path):
    # the catalogue may be typed with plain spaces, quotes and apostrophes
    path = tmp_path / "m.yml"
    path.write_text(
        "a.b:\n  fr: \"l'UE : 5 % ; « environ »\"\n  en: \"the EU's share: 5%; 'about'\"\n",
        encoding="utf-8",
    )
    assert read_file(path) == {
        "a.b": {
            "fr": "l\u2019UE\u00a0: 5 %\u202f; «\u00a0environ\u00a0»",
            "en": "the EU\u2019s share: 5%; \u2018about\u2019",
        }
    }


@pytest.mark.parametrize(
    ("typed", "set_"),
    [
        ("BioWin's", "BioWin\u2019s"),
        ("'about'", "\u2018about\u2019"),
        ('a "quote"', "a \u201cquote\u201d"),
        ("('about'),", "(\u2018about\u2019),"),
        ("the sizes' precision", "the sizes\u2019 precision"),
        # placeholders stay as written, quotes around them are curled by their place
        ("'{subject}' and '{other}'", "\u2018{subject}\u2019 and \u2018{other}\u2019"),
        ("{subject}'s", "{subject}\u2019s"),
        ("{value!r:>3} it's", "{value!r:>3} it\u2019s"),
        ("{{braces}} 'x'", "{{braces}} \u2018x\u2019"),  # escaped braces stay escaped
        # the texts of a plural choice are set, not its categories
        ("{n:one=it's|other=they're}", "{n:one=it\u2019s|other=they\u2019re}"),
        ("{n:one='one'|other=many}", "{n:one=\u2018one\u2019|other=many}"),
        ("no quote: 5%", "no quote: 5%"),
    ],
)
def test_english_typography(typed, set_):
    assert english_typography(typed) == set_


def test_english_typography_keeps_a_template_fillable():
    # the placeholders and plural choices of a set template fill as the typed ones do
    typed = "{n} {n:one=partner's|other=partners'} '{name}'"
    set_ = english_typography(typed)
    assert placeholders(set_) == placeholders(typed) == {"n", "name"}
    assert fill(set_, "en", n="1", name="BioWin") == "1 partner\u2019s \u2018BioWin\u2019"
    assert fill(set_, "en", n="2", name="BioWin") == "2 partners\u2019 \u2018BioWin\u2019"


def test_placeholders_inside_a_plural_choice_are_placeholders():
    # "the largest" for a first rank, "the second-largest" otherwise: {rank} is needed too
    template = "{place:one=the largest|other=the {rank}-largest} partner"
    assert placeholders(template) == {"place", "rank"}
    assert fill(template, "en", place="2", rank="second") == "the second-largest partner"
    assert fill(template, "en", place="1", rank="first") == "the largest partner"
