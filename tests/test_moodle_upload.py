"""Streamed uploads to webservice/upload.php, checked against the recorded exchanges."""
import hashlib
import importlib.util
import json
import tracemalloc
from pathlib import Path

import pytest
import responses
from fixtures.contract import SITE, TOKEN, Contract, make_client
from requests_toolbelt.multipart.decoder import MultipartDecoder

from bridge.moodle import errors
from bridge.moodle.types import PluginInfo

contract = Contract.or_skip()
UPLOAD_URL = SITE + "/webservice/upload.php"


def load_bench():
    path = Path(__file__).resolve().parents[1] / "scripts" / "bench_upload.py"
    spec = importlib.util.spec_from_file_location("bench_upload", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def recorded_files(exchange, tmp_path):
    """Local files with the recorded names and sizes."""
    paths = []
    for spec in exchange["files"]:
        path = tmp_path / spec["filename"]
        path.write_bytes(b"%PDF" + bytes(spec["size"] - 4))
        paths.append(path)
    return paths


def capture_upload(rsps, exchange, sent):
    def reply(request):
        sent.append(request)
        return exchange["http_status"], {"Content-Type": exchange["content_type"]}, exchange["response_raw"]

    rsps.add_callback(responses.POST, UPLOAD_URL, callback=reply)


def decode_parts(request):
    decoder = MultipartDecoder(request.body, request.headers["Content-Type"])
    fields, files = {}, []
    for part in decoder.parts:
        disposition = part.headers[b"Content-Disposition"].decode()
        name = disposition.split('name="', 1)[1].split('"', 1)[0]
        if "filename=" in disposition:
            filename = disposition.split('filename="', 1)[1].split('"', 1)[0]
            files.append({"field": name, "filename": filename, "size": len(part.content),
                          "mimetype": part.headers[b"Content-Type"].decode()})
        else:
            fields[name] = part.text
    return fields, files


@pytest.mark.parametrize("name, itemid", [("14", 598766757), ("15", 0)])
def test_multipart_matches_the_recorded_upload(name, itemid, tmp_path):
    exchange = contract.load(name)
    paths = recorded_files(exchange, tmp_path)
    client = make_client()
    sent = []
    with responses.RequestsMock() as rsps:
        capture_upload(rsps, exchange, sent)
        result = client.upload_files(paths, itemid=itemid)
    (request,) = sent
    assert "?" not in request.url and TOKEN not in request.url
    fields, files = decode_parts(request)
    expected = {k: (TOKEN if v == "TOKEN" else v) for k, v in exchange["params"].items()}
    assert expected.items() <= fields.items()
    assert files == exchange["files"]
    # One draft item id for all files of the request.
    assert result.itemid == exchange["response"][0]["itemid"]
    assert [f.filename for f in result.files] == [f["filename"] for f in exchange["files"]]
    assert [f.filesize for f in result.files] == [f["size"] for f in exchange["files"]]
    assert client.stats.writes == 1 and client.stats.by_function["webservice/upload.php"] == 1


def test_files_can_be_renamed_on_upload(tmp_path):
    exchange = contract.load("14")
    local = tmp_path / "local-name.bin"
    local.write_bytes(bytes(602))
    sent = []
    with responses.RequestsMock() as rsps:
        capture_upload(rsps, exchange, sent)
        make_client().upload_files([("certificate.pdf", local)], itemid=598766757)
    assert decode_parts(sent[0])[1][0]["filename"] == "certificate.pdf"


@pytest.mark.parametrize("errortype, cls", [("filenameexist", errors.FileNameExists),
                                            ("fileoversized", errors.FileTooLarge),
                                            ("virusfound", errors.UploadFailed)])
def test_per_file_errors_are_typed(errortype, cls, tmp_path):
    exchange = contract.load("16")
    body = [dict(exchange["response"][0], errortype=errortype)]
    paths = recorded_files(exchange, tmp_path)
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, UPLOAD_URL, body=json.dumps(body), content_type=exchange["content_type"])
        with pytest.raises(cls) as info:
            make_client().upload_files(paths, itemid=598766757)
    err = info.value
    assert err.errorcode == errortype and err.filename == "certificate.pdf"
    assert err.function == "webservice/upload.php"
    assert "File name already exists" in err.remote_message


def test_per_file_error_keeps_the_files_that_made_it(tmp_path):
    ok = contract.load("15")["response"][0]
    failed = contract.load("16")["response"][0]
    a, b = tmp_path / "cert-a.pdf", tmp_path / "certificate.pdf"
    a.write_bytes(bytes(602))
    b.write_bytes(bytes(602))
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, UPLOAD_URL, body=json.dumps([ok, failed]))
        with pytest.raises(errors.FileNameExists) as info:
            make_client().upload_files([a, b])
    assert [f.filename for f in info.value.uploaded] == ["cert-a.pdf"]


@pytest.mark.parametrize("name, cls", [("71", errors.InvalidToken), ("DEBUG_28", errors.InvalidToken),
                                       # We always send the token: "token missing" means PHP dropped an
                                       # over-post_max_size body (what a real Moodle 5.1 does at 64 MiB).
                                       ("73", errors.FileTooLarge), ("DEBUG_30", errors.FileTooLarge)])
def test_upload_auth_failures_are_typed(name, cls, tmp_path):
    exchange = contract.load(name)
    path = tmp_path / "x.pdf"
    path.write_bytes(bytes(602))
    with responses.RequestsMock() as rsps:
        contract.register(rsps, name, site=SITE)
        with pytest.raises(cls) as info:
            make_client().upload_files([path])
    assert info.value.errorcode == exchange["response"]["errorcode"]
    if name.startswith("DEBUG"):
        assert "Error code" in info.value.debuginfo


def test_reply_with_wrong_entry_count_is_unexpected(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"x")
    with responses.RequestsMock() as rsps:
        contract.register(rsps, "72", site=SITE)  # "[]": what upload.php says when no file arrived
        with pytest.raises(errors.UnexpectedResponse):
            make_client().upload_files([path])


def test_plugin_maxbytes_refuses_before_sending(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(2048))
    client = make_client()
    client._plugin = PluginInfo.from_json({"plugin_version": 2026112800, "api_version": 1, "maxbytes": 1024})
    with responses.RequestsMock():  # any HTTP request would fail the test
        with pytest.raises(errors.FileTooLarge):
            client.upload_files([path])


def test_missing_local_file_fails_before_sending(tmp_path):
    with responses.RequestsMock(), pytest.raises(FileNotFoundError):
        make_client().upload_files([tmp_path / "nope.pdf"])


def test_upload_streams_from_disk_with_flat_memory(tmp_path):
    """32 MiB over a real socket with < 3 MiB of Python allocations; the sink sees every byte."""
    bench = load_bench()
    size = 32 << 20
    path = tmp_path / "big.bin"
    with open(path, "wb") as out:
        out.write(b"head")
        out.truncate(size)
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    with bench.SinkServer() as sink:
        from bridge.moodle import MoodleClient

        client = MoodleClient(sink.url, TOKEN, retries=0)
        tracemalloc.start()
        try:
            result = client.upload_files([path, ("second.txt", path)])
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 3 << 20, f"upload allocated {peak} bytes at peak"
    (upload,) = sink.uploads
    assert upload["complete"] and upload["fields"]["token"] == TOKEN and upload["fields"]["itemid"] == "0"
    assert [(f["filename"], f["size"], f["sha1"]) for f in upload["files"]] == [
        ("big.bin", size, digest.hexdigest()), ("second.txt", size, digest.hexdigest())]
    assert result.itemid == 424242 and [f.filesize for f in result.files] == [size, size]


def test_proxy_413_mid_stream_is_file_too_large(tmp_path):
    """A proxy that answers 413 without reading the body: the client still sees the 413."""
    path = tmp_path / "big.bin"
    with open(path, "wb") as out:
        out.truncate(16 << 20)
    with load_bench().SinkServer(max_body=1 << 20) as sink:
        from bridge.moodle import MoodleClient

        with pytest.raises(errors.FileTooLarge) as info:
            MoodleClient(sink.url, TOKEN, retries=0).upload_files([path])
    assert info.value.errorcode == "http413"
