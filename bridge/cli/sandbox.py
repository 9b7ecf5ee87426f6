"""CLI command: sandbox — run the bundled Moodle-compatible server."""
from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path

import click

from bridge.cli.common import echo, CONTEXT_SETTINGS, command_lang_option, handle_errors
from bridge.errors import BridgeError, ExitCode
from bridge.i18n import tr

DEFAULT_DATA = Path(".certbridge") / "sandbox"


@click.command("sandbox", context_settings=CONTEXT_SETTINGS)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default). 监听地址（默认仅本机）。")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port to listen on; 0 picks a free one. 监听端口，0 表示自动选择空闲端口。")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA,
              show_default=True, help="Directory for the sandbox's state (SQLite + files); kept across restarts. 沙箱数据目录（SQLite 与文件），重启后保留。")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for draft item ids and fault injection. 草稿 id 与故障注入的随机种子。")
@command_lang_option
@handle_errors
def sandbox_command(host: str, port: int, data_dir: Path, seed: int) -> None:
    """Run the sandbox: a local Moodle-compatible web-service server.

    Prints CERTBRIDGE_URL=… and CERTBRIDGE_TOKEN=… as its first two lines (the variables
    sync and report read), then logs to stderr until Ctrl-C or SIGTERM.

    运行沙箱：本地的 Moodle 兼容 Web 服务。前两行输出 CERTBRIDGE_URL 与 CERTBRIDGE_TOKEN。
    """
    from bridge.sandbox import Sandbox

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s sandbox %(message)s")
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sandbox = Sandbox(data_dir, host=host, port=port, seed=seed)
    try:
        sandbox.start()
    except OSError as err:
        raise BridgeError(tr("Cannot start the sandbox on {h}:{p}: {e}", "无法在 {h}:{p} 启动沙箱：{e}",
                             h=host, p=port, e=err.strerror or err), exit_code=ExitCode.SITE_ERROR) from None
    try:
        echo(f"CERTBRIDGE_URL={sandbox.url}")
        echo(f"CERTBRIDGE_TOKEN={sandbox.token}")
        sys.stdout.flush()
        echo(tr("Sandbox running at {u} (data: {d}). Stop with Ctrl-C.",
                      "沙箱运行于 {u}（数据目录：{d}）。按 Ctrl-C 停止。", u=sandbox.url, d=data_dir), err=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    finally:
        sandbox.stop()
        signal.signal(signal.SIGTERM, previous)
    echo(tr("Sandbox stopped.", "沙箱已停止。"), err=True)


commands = [sandbox_command]
