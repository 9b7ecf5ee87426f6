"""Streamed downloads from ``webservice/pluginfile.php`` (a module's file, to keep a copy).

The token goes in the POST body, never in the URL, and only to the configured site: a
file URL the site hands back is re-rooted on that site before anything is sent.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from bridge.i18n import tr
from bridge.moodle.errors import UnexpectedResponse
from bridge.moodle.requester import Requester

FUNCTION = "webservice/pluginfile.php"
PLUGINFILE_PATH = "/webservice/pluginfile.php/"
CHUNK = 256 * 1024


def site_file_url(requester: Requester, fileurl: str) -> str:
    """``fileurl`` on the configured site (Moodle may name itself by another host name)."""
    _, sep, rest = fileurl.partition(PLUGINFILE_PATH)
    if not sep or not rest:
        raise UnexpectedResponse(tr("{function}: not a web-service file address: {url}",
                                    "{function}：不是 Web 服务文件地址：{url}", function=FUNCTION, url=fileurl),
                                 function=FUNCTION)
    return requester.url + PLUGINFILE_PATH + rest.split("?", 1)[0]


def download_file(requester: Requester, fileurl: str, dest: Path) -> str:
    """Stream the file at ``fileurl`` into ``dest``; return the SHA-1 of its bytes."""
    url = site_file_url(requester, fileurl)
    requester.stats.count(FUNCTION, write=False)
    response = requester.send(FUNCTION, write=False, send=lambda: requester.session.post(
        url, data={"token": requester.token()}, timeout=requester.timeout, verify=requester.verify,
        allow_redirects=False, stream=True))
    with response:
        if response.status_code != 200:
            requester.decode(FUNCTION, response)  # raises the typed error the site reported
            raise UnexpectedResponse(tr("{function}: HTTP {status} for a module's file",
                                        "{function}：下载模块文件时返回 HTTP {status}", function=FUNCTION,
                                        status=response.status_code), function=FUNCTION)
        sha1 = hashlib.sha1()
        with open(dest, "wb") as out:
            for chunk in response.iter_content(CHUNK):
                sha1.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    return sha1.hexdigest()
