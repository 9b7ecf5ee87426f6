"""``--help`` in one language: the one of ``--lang``/``CERTBRIDGE_LANG``/the locale.

Help texts are written bilingual in place (a docstring has English paragraphs and their
Chinese ones; an option's help is "English sentence. 中文。"), so a message and its
translation never drift apart. At display time only the paragraphs and sentences of the
current language are kept, click's own words (Usage, Options, Commands, default,
required…) are translated, and the command list shows each command's full first
sentence instead of click's 45-character cut.
"""
from __future__ import annotations

import inspect
import re
import sys

import click

from bridge.i18n import get_lang, set_lang

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# Sentence ends: after . ! ? (not in "e.g." / "i.e.") or after Chinese end punctuation.
_SENTENCE_END = re.compile(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.!?])\s+|(?<=[。！？])\s*")
_CLICK_WORDS = {
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
}


def is_chinese(text: str) -> bool:
    """A Chinese sentence: Chinese punctuation, or at least half as many Chinese
    characters as Latin letters (an English sentence may name 工作领域)."""
    cjk = len(_CJK.findall(text))
    return cjk > 0 and (any(p in text for p in "。，：；、（") or 2 * cjk >= len(_LATIN.findall(text)))


def _sentences(paragraph: str, zh: bool) -> str:
    parts = [p for p in _SENTENCE_END.split(" ".join(paragraph.split())) if p and p.strip()]
    kept = [p for p in parts if is_chinese(p) == zh]
    return ("" if zh else " ").join(kept)


def localize(text: str | None, lang: str | None = None) -> str:
    """The parts of a bilingual help text in ``lang`` (default: the current language)."""
    if not text:
        return ""
    zh = (lang or get_lang()) == "zh"
    out = []
    for paragraph in re.split(r"\n\s*\n", inspect.cleandoc(text).split("\f", 1)[0]):
        if paragraph.startswith("\b"):  # click's "keep as written" block (a bilingual table): as it is
            out.append(paragraph)
            continue
        if not (_CJK.search(paragraph) or _LATIN.search(paragraph)):
            out.append(paragraph)
            continue
        kept = _sentences(paragraph, zh)
        if kept:
            out.append(kept)
    return "\n\n".join(out) if out else inspect.cleandoc(text)


def _extra_zh(text: str) -> str:
    """click's "[default: x; required]" after an option's help, in Chinese."""
    return (text.replace("[default: ", "[默认：").replace("; required]", "；必填]")
            .replace("[required]", "[必填]").replace("default: ", "默认：").replace("; ", "；"))


class LocalizedHelp:
    """Mixed into every command and group of the CLI (see ``localize_commands``)."""

    def get_short_help_str(self, limit: int = 45) -> str:
        text = localize(self.short_help or self.help)
        first = text.split("\n\n", 1)[0]
        return _SENTENCE_END.split(first, 1)[0] if get_lang() != "zh" else re.split(r"(?<=。)", first, 1)[0]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        zh = get_lang() == "zh"
        pieces = " ".join(self.collect_usage_pieces(ctx))
        if zh:
            pieces = pieces.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        formatter.write_usage(ctx.command_path, pieces, prefix="用法：" if zh else "Usage: ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = localize(self.help)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        zh = get_lang() == "zh"
        rows = []
        for param in self.get_params(ctx):
            if not isinstance(param, click.Option):
                continue  # arguments are in the usage line and described in the text
            record = param.get_help_record(ctx)
            if record is None:
                continue
            names, help_text = record
            extra = ""
            found = re.search(r"\s*(\[[^\[\]]*\])$", help_text)
            if found and not getattr(param, "help", "").rstrip().endswith(found.group(1)):
                help_text, extra = help_text[:found.start()], found.group(1)
            help_text = _CLICK_WORDS.get(help_text, help_text) if zh else help_text
            help_text = localize(help_text)
            if extra:
                help_text += "  " + (_extra_zh(extra) if zh else extra)
            rows.append((names, help_text))
        _section(formatter, "选项" if zh else "Options", rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str()))
        _section(formatter, "命令" if get_lang() == "zh" else "Commands", rows)


def _section(formatter: click.HelpFormatter, title: str, rows: list[tuple[str, str]]) -> None:
    """click's ``formatter.section`` with the heading's colon in the title's language."""
    if not rows:
        return
    formatter.write_paragraph()
    formatter.write_text(title + ("：" if _CJK.search(title) else ":"))
    with formatter.indentation():
        formatter.write_dl(rows)


_CLASSES: dict[type, type] = {}


def localize_commands(command: click.Command) -> None:
    """Give ``command`` and everything under it localized help (the command objects are
    re-classed so each module keeps plain ``@click.command``)."""
    cls = type(command)
    if not issubclass(cls, LocalizedHelp):
        if cls not in _CLASSES:
            _CLASSES[cls] = type(cls.__name__, (LocalizedHelp, cls), {"__module__": cls.__module__})
        command.__class__ = _CLASSES[cls]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize_commands(sub)


def lang_from_args(args: list[str] | None) -> None:
    """Apply ``--lang`` before click parses anything, so ``validate --help --lang zh``
    (help is eager, and may come first) is in Chinese too."""
    argv = sys.argv[1:] if args is None else list(args)
    for i, arg in enumerate(argv):
        if arg == "--":
            return
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else (
            argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None)
        if value in ("zh", "en"):
            set_lang(value)
