"""The companion Moodle plugin: PHP syntax, the API contract it declares, its zip."""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridge.cli import main
from bridge.errors import BridgeError, ExitCode
from bridge.plugin_zip import PLUGIN_SOURCE, ZIP_TOP, build_plugin_zip, plugin_files, read_plugin_version

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "docs" / "plugin-api.md"
PHP_FILES = sorted(PLUGIN_SOURCE.rglob("*.php"))
EXTERNAL_CLASSES = sorted((PLUGIN_SOURCE / "classes" / "external").glob("*.php"))
PHP = shutil.which("php")


def contract_functions() -> tuple[list[str], list[str]]:
    """Plugin functions (### headings) and core functions (listed after "Core functions") of the contract."""
    text = CONTRACT.read_text(encoding="utf-8")
    plugin = re.findall(r"^### `(local_certbridge_\w+)`", text, flags=re.M)
    core_part = text.split("## Core functions", 1)[1]
    core = re.findall(r"`(core_\w+)`", core_part)
    return plugin, core


def services_php() -> str:
    return (PLUGIN_SOURCE / "db" / "services.php").read_text(encoding="utf-8")


def test_the_plugin_has_its_files():
    for rel in ("version.php", "db/services.php", "db/access.php", "db/install.xml",
                "lang/en/local_certbridge.php", "lang/zh_cn/local_certbridge.php",
                "classes/privacy/provider.php", "README.md", "CHANGES"):
        assert (PLUGIN_SOURCE / rel).is_file(), rel
    assert list((PLUGIN_SOURCE / "tests").glob("*_test.php")), "no PHPUnit tests"


@pytest.mark.skipif(PHP is None, reason="php is not installed here (.ci/run installs php-cli, so CI runs this)")
@pytest.mark.parametrize("path", PHP_FILES, ids=[str(p.relative_to(PLUGIN_SOURCE)) for p in PHP_FILES])
def test_php_syntax(path):
    result = subprocess.run([PHP, "-l", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_services_declare_every_function_of_the_contract():
    plugin, core = contract_functions()
    assert len(plugin) == 10 and len(core) >= 10, "docs/plugin-api.md changed shape"
    text = services_php()
    declared = set(re.findall(r"^\s*'(local_certbridge_\w+)' => \[", text, flags=re.M))
    assert declared == set(plugin)
    service = text.split("$services", 1)[1]
    listed = set(re.findall(r"'((?:local_certbridge|core)_\w+)',", service))
    assert listed == set(plugin) | set(core)
    # Shipped disabled, for authorised users only (docs/plugin.md says how to enable it).
    for flag in ("'uploadfiles' => 1", "'downloadfiles' => 1", "'shortname' => 'certbridge'",
                 "'enabled' => 0", "'restrictedusers' => 1"):
        assert flag in service


def test_each_function_has_its_external_class():
    plugin, _ = contract_functions()
    for function in plugin:
        name = function.removeprefix("local_certbridge_")
        assert f"'classname' => 'local_certbridge\\external\\{name}'" in services_php()
        assert (PLUGIN_SOURCE / "classes" / "external" / f"{name}.php").is_file(), name
    assert len(EXTERNAL_CLASSES) == len(plugin)


@pytest.mark.parametrize("path", EXTERNAL_CLASSES, ids=[p.stem for p in EXTERNAL_CLASSES])
def test_external_classes_check_parameters_context_and_capability(path):
    text = path.read_text(encoding="utf-8")
    assert f"class {path.stem} extends external_api" in text
    assert "use core_external\\external_api;" in text
    # Reading the report needs only the report capability; everything else the sync one.
    capability = "viewreport" if path.stem == "get_report" else "sync"
    for call in ("self::validate_parameters(", "self::validate_context(", f"require_capability('local/certbridge:{capability}'"):
        assert call in text, f"{path.name} lacks {call}"
    for method in ("execute_parameters", "execute", "execute_returns"):
        assert re.search(rf"public static function {method}\(", text), f"{path.name} lacks {method}()"


def test_version_and_capability():
    assert read_plugin_version() == ("local_certbridge", 2026113005, "1.5.0")
    assert "$plugin->requires  = 2024100700;" in (PLUGIN_SOURCE / "version.php").read_text(encoding="utf-8")
    access = (PLUGIN_SOURCE / "db" / "access.php").read_text(encoding="utf-8")
    for capability in ("sync", "viewreport", "viewcategoryreport"):
        assert f"'local/certbridge:{capability}' =>" in access


def test_upgrade_steps_reach_the_version_and_create_the_installed_tables():
    """An upgraded site must end with the tables a fresh install gets, at this version."""
    upgrade = (PLUGIN_SOURCE / "db" / "upgrade.php").read_text(encoding="utf-8")
    install = (PLUGIN_SOURCE / "db" / "install.xml").read_text(encoding="utf-8")
    version = read_plugin_version()[1]
    steps = [int(v) for v in re.findall(r"upgrade_plugin_savepoint\(true, (\d+), 'local', 'certbridge'\)", upgrade)]
    assert steps and steps == sorted(steps) and steps[-1] <= version  # a release without db changes has no step
    tables = re.findall(r'<TABLE NAME="(\w+)"', install)
    assert {"local_certbridge_plan", "local_certbridge_planres", "local_certbridge_planreq"} <= set(tables)
    for name in tables:
        if name != "local_certbridge_quiz":  # in the first release's install
            assert f"'{name}'" in upgrade, name
    observers = (PLUGIN_SOURCE / "db" / "events.php").read_text(encoding="utf-8")
    assert "\\core\\event\\course_deleted" in observers  # a deleted course's plan goes too


def test_both_languages_define_the_same_strings():
    def keys(lang):
        text = (PLUGIN_SOURCE / "lang" / lang / "local_certbridge.php").read_text(encoding="utf-8")
        return re.findall(r"^\$string\['([^']+)'\]", text, flags=re.M)

    assert keys("en") == keys("zh_cn")
    used = set()
    for path in PHP_FILES:
        used |= set(re.findall(r"'(certbridge_\w+|warning_\w+)', 'local_certbridge'", path.read_text(encoding="utf-8")))
    assert used and used <= set(keys("en"))


def test_zip_layout(tmp_path):
    built = build_plugin_zip(tmp_path / "p.zip")
    with zipfile.ZipFile(built.path) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
        assert {n.split("/", 1)[0] for n in names} == {ZIP_TOP}
        assert f"{ZIP_TOP}/version.php" in names and f"{ZIP_TOP}/db/services.php" in names
        assert zf.read(f"{ZIP_TOP}/version.php") == (PLUGIN_SOURCE / "version.php").read_bytes()
        assert {i.date_time for i in zf.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    files = [n for n in names if not n.endswith("/")]
    assert files == sorted(f"{ZIP_TOP}/{p.as_posix()}" for p in plugin_files())
    assert (built.component, built.version) == ("local_certbridge", 2026113005)


def test_zip_is_reproducible_and_leaves_out_litter(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(PLUGIN_SOURCE, source)
    first = build_plugin_zip(tmp_path / "a.zip", source)
    for litter in (".git/config", "__pycache__/x.pyc", "version.php.swp", "lang/en/.hidden", "db/x.php~"):
        (source / litter).parent.mkdir(parents=True, exist_ok=True)
        (source / litter).write_text("junk")
    second = build_plugin_zip(tmp_path / "b.zip", source)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first.path, second.path)]
    assert digest[0] == digest[1]


def test_zip_of_a_folder_without_a_plugin_is_an_input_error(tmp_path):
    with pytest.raises(BridgeError) as err:
        build_plugin_zip(tmp_path / "y.zip", tmp_path / "nothing")
    assert err.value.exit_code == ExitCode.INVALID_INPUT
    assert not (tmp_path / "y.zip").exists()


def test_cli_writes_the_zip(tmp_path):
    out = tmp_path / "sub" / "local_certbridge.zip"
    result = CliRunner().invoke(main, ["--lang", "en", "plugin", "zip", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "local_certbridge 2026113005" in result.output
    assert zipfile.is_zipfile(out)


def test_every_string_the_plugin_uses_exists_in_both_languages():
    """get_string(…, 'local_certbridge') in PHP (dynamic prefixes too) and {{#str}} in templates."""
    def keys(lang):
        text = (PLUGIN_SOURCE / "lang" / lang / "local_certbridge.php").read_text(encoding="utf-8")
        return set(re.findall(r"^\$string\['([^']+)'\]", text, flags=re.M))

    en = keys("en")
    used, prefixes = set(), set()
    for path in PHP_FILES:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"get_string\('([\w:]+)', 'local_certbridge'", text))
        prefixes |= set(re.findall(r"get_string\('(\w+_)' \. ", text))
    for path in (PLUGIN_SOURCE / "templates").glob("*.mustache"):
        used |= set(re.findall(r"\{\{#str\}\} (\w+), local_certbridge", path.read_text(encoding="utf-8")))
    assert used and not used - en, sorted(used - en)
    # Dynamic keys: each state, reason, type and column has its string.
    for state in ("online", "outdated", "hidden", "missing", "planned"):
        assert {f"state_{state}", f"dl_n_{state}"} <= en
    for reason in ("hidden", "hidden-in-pack", "stealth", "section-hidden", "not-in-course", "status-planned",
                   "content-differs", "content-unknown", "type-differs"):
        assert "reason_" + reason.replace("-", "_") in en
    assert {"type_" + t for t in ("file", "page", "url", "quiz", "label")} <= en
    assert prefixes <= {"state_", "reason_", "type_", "col_", "dl_"}
    # Column headings: the lists handed to headings() (dl_) and to the tables (col_).
    download = (PLUGIN_SOURCE / "classes" / "report" / "download.php").read_text(encoding="utf-8")
    for listed in re.findall(r"self::headings\(\[(.*?)\]", download, flags=re.S):
        assert {"dl_" + k for k in re.findall(r"'(\w+)'", listed) if not k.endswith("_")} <= en, listed
    renderer = (PLUGIN_SOURCE / "classes" / "output" / "renderer.php").read_text(encoding="utf-8")
    for listed in re.findall(r"(?:\$columns = |array_map\(fn\(\$c\) => get_string\('col_' \. \$c, 'local_certbridge'\),\s*)\[(.*?)\]",
                             renderer, flags=re.S):
        assert {"col_" + k for k in re.findall(r"'(\w+)'", listed)} <= en, listed
    assert keys("zh_cn") == en


@pytest.mark.parametrize("path", sorted((PLUGIN_SOURCE / "templates").glob("*.mustache")), ids=lambda p: p.name)
def test_templates_document_themselves_with_an_example_context(path):
    import json

    text = path.read_text(encoding="utf-8")
    assert f"@template local_certbridge/{path.stem}" in text
    example = text.split("Example context (json):", 1)[1].split("}}", 1)[0]
    assert isinstance(json.loads(example), dict)
    # Partials exist; raw (triple-stash) output only for HTML the renderer built.
    for partial in re.findall(r"\{\{> local_certbridge/(\w+) \}\}", text):
        assert (PLUGIN_SOURCE / "templates" / f"{partial}.mustache").is_file()
    assert set(re.findall(r"\{\{\{(\w+)\}\}\}", text)) <= {"resourcestable", "download", "coursestable",
                                                          "downloadcourses", "downloadcertificates"}


def test_the_report_pages_check_access_and_are_linked_from_navigation():
    course = (PLUGIN_SOURCE / "course.php").read_text(encoding="utf-8")
    category = (PLUGIN_SOURCE / "category.php").read_text(encoding="utf-8")
    lib = (PLUGIN_SOURCE / "lib.php").read_text(encoding="utf-8")
    assert "require_login($course)" in course and "require_capability('local/certbridge:viewreport'" in course
    assert "require_capability('local/certbridge:viewcategoryreport'" in category
    assert "admin_externalpage_setup('local_certbridge_sitereport'" in category
    assert "function local_certbridge_extend_navigation_course(" in lib
    assert "function local_certbridge_extend_navigation_category_settings(" in lib
    for page in (course, category):
        assert "\\core\\dataformat::download_data" not in page and "download::" in page  # through classes/report/download.php
    assert "\\core\\dataformat::download_data(" in (PLUGIN_SOURCE / "classes" / "report" / "download.php").read_text(
        encoding="utf-8")
