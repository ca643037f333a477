"""get_file() and application weights through Keras's cache (CONVENTIONS.md section 7):
downloads from a local HTTP server started here, `file://` origins, and the offline
failure against a closed port on 127.0.0.1. Nothing here reaches the network."""
from __future__ import annotations

import functools
import hashlib
import http.server
import os
import socket
import tarfile
import threading
import time
import zipfile

import numpy as np
import pytest

import rkbridge as rk
from rkbridge.persistence import downloads
from rkbridge.errors import RkNetworkError, RkValueError


@pytest.fixture
def cache(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture
def server(tmp_path):
    """A local HTTP server for the files in `served/` (counts the requests); stops itself."""
    root = tmp_path / "served"
    root.mkdir()
    hits: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_GET(self):
            hits.append(self.path)
            super().do_GET()

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        yield root, url, hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return port


def test_downloads_once_into_the_keras_cache(cache, server):
    root, url, hits = server
    (root / "data.csv").write_text("a,b\n1,2\n")
    path = rk.get_file("data.csv", origin=url + "data.csv")
    assert path == str(cache / "datasets" / "data.csv")
    assert open(path).read() == "a,b\n1,2\n"
    assert rk.get_file("data.csv", origin=url + "data.csv") == path  # from the cache
    assert hits == ["/data.csv"]
    rk.get_file("data.csv", origin=url + "data.csv", force_download=True)
    assert hits == ["/data.csv"] * 2
    # fname defaults to the URL's last part; cache_dir and cache_subdir are honoured
    other = rk.get_file(origin=url + "data.csv", cache_dir=str(cache / "elsewhere"),
                        cache_subdir="sub")
    assert other == str(cache / "elsewhere" / "sub" / "data.csv")


def test_same_path_as_keras_get_file(cache, tmp_path):
    import keras
    src = tmp_path / "f.txt"
    src.write_text("x")
    ours = rk.get_file("f.txt", origin=src.as_uri(), cache_subdir="models")
    # Keras finds the file where we put it (no download: the origin does not exist)
    theirs = keras.utils.get_file("f.txt", origin="file:///nonexistent/f.txt",
                                  cache_subdir="models", cache_dir=str(cache))
    assert ours == theirs


def test_file_hash_is_checked(cache, server):
    root, url, hits = server
    (root / "w.bin").write_bytes(b"weights")
    sha = hashlib.sha256(b"weights").hexdigest()
    md5 = hashlib.md5(b"weights").hexdigest()
    assert rk.get_file("w.bin", origin=url + "w.bin", file_hash=sha)
    assert rk.get_file("w2.bin", origin=url + "w.bin", md5_hash=md5)
    assert rk.get_file("w3.bin", origin=url + "w.bin", file_hash=md5, hash_algorithm="md5")
    with pytest.raises(RkValueError, match="does not match `file_hash`"):
        rk.get_file("bad.bin", origin=url + "w.bin", file_hash="0" * 64)
    assert not (cache / "datasets" / "bad.bin").exists()
    # a cached file with the wrong hash is downloaded again, as Keras does
    (cache / "datasets" / "w.bin").write_bytes(b"stale")
    n = len(hits)
    rk.get_file("w.bin", origin=url + "w.bin", file_hash=sha)
    assert len(hits) == n + 1 and (cache / "datasets" / "w.bin").read_bytes() == b"weights"


def test_extract_tar_and_zip(cache, server, tmp_path):
    root, url, _ = server
    inner = tmp_path / "inner.txt"
    inner.write_text("inside")
    with tarfile.open(root / "pack.tar.gz", "w:gz") as t:
        t.add(inner, arcname="pack/inner.txt")
    with zipfile.ZipFile(root / "pack.zip", "w") as z:
        z.write(inner, arcname="z/inner.txt")
    d = rk.get_file("pack.tar.gz", origin=url + "pack.tar.gz", extract=True)
    assert d == str(cache / "datasets" / "pack_extracted")
    assert open(os.path.join(d, "pack", "inner.txt")).read() == "inside"
    d = rk.get_file("legacy", origin=url + "pack.tar.gz", untar=True)  # keras 2.x form
    assert open(os.path.join(d, "pack", "inner.txt")).read() == "inside"
    d = rk.get_file("pz.zip", origin=url + "pack.zip", extract=True, archive_format="zip")
    assert open(os.path.join(d, "z", "inner.txt")).read() == "inside"


def test_offline_fails_at_once_naming_url_and_cache_path(cache):
    url = f"http://127.0.0.1:{closed_port()}/mnist.npz"
    start = time.time()
    with pytest.raises(RkNetworkError) as err:
        rk.get_file("mnist.npz", origin=url)
    assert time.time() - start < 5
    msg = str(err.value)
    assert url in msg and f'"{cache / "datasets" / "mnist.npz"}"' in msg
    assert not os.listdir(cache / "datasets")  # nothing half-written is left


def test_a_server_that_never_answers_times_out(cache, monkeypatch):
    # accepts the connection (the kernel's backlog) but never sends a byte
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    monkeypatch.setattr(downloads, "TIMEOUT_S", 0.5)
    try:
        start = time.time()
        with pytest.raises(RkNetworkError, match="timed out"):
            rk.get_file("slow.bin", origin=f"http://127.0.0.1:{s.getsockname()[1]}/slow.bin")
        assert time.time() - start < 5
    finally:
        s.close()


def test_a_file_placed_in_the_cache_is_used_without_a_connection(cache):
    (cache / "datasets").mkdir(parents=True)
    (cache / "datasets" / "given.csv").write_text("1")
    url = f"http://127.0.0.1:{closed_port()}/given.csv"
    assert rk.get_file("given.csv", origin=url) == str(cache / "datasets" / "given.csv")
    assert rk.get_file("given.csv") == str(cache / "datasets" / "given.csv")  # no URL needed
    with pytest.raises(RkValueError, match="give `origin`"):
        rk.get_file("absent.csv")


def _unreachable(monkeypatch):
    """Every download connects to a closed local port instead (the URL stays in messages)."""
    import urllib.request
    port = closed_port()
    monkeypatch.setattr(downloads, "_open", lambda url: urllib.request.urlopen(
        f"http://127.0.0.1:{port}/", timeout=downloads.TIMEOUT_S))


def test_imagenet_weights_offline_fail_fast_and_are_read_from_the_cache(cache, monkeypatch):
    _unreachable(monkeypatch)
    args = dict(include_top=False, alpha=0.35, input_shape=[96, 96, 3])
    start = time.time()
    donor = rk.application_mobilenet_v2(weights=None, **args)
    build = time.time() - start  # what building the model alone takes on this machine now
    start = time.time()
    with pytest.raises(RkNetworkError) as err:
        rk.application_mobilenet_v2(**args)
    assert time.time() - start < build + 5  # no waiting on the network
    msg = str(err.value)
    assert "https://storage.googleapis.com/" in msg
    target = cache / "models" / os.path.basename(msg.split('"')[1])
    assert f'"{target}"' in msg and target.name.endswith(".h5")
    # the file placed there is what the model gets (a Keras-2 style HDF5 weights file)
    from keras.src.legacy.saving import legacy_h5_format
    import h5py
    with h5py.File(target, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, donor)
    m = rk.application_mobilenet_v2(**args)
    for a, b in zip(m.get_weights(), donor.get_weights()):
        np.testing.assert_array_equal(a, b)
    from keras.src.utils import file_utils
    assert file_utils.get_file is downloads._KERAS_GET_FILE  # Keras's own restored


def test_no_monkeypatched_refusal_remains():
    from keras.src.utils import file_utils
    import rkbridge.wrappers.applications as apps
    assert not hasattr(apps, "offline") and not hasattr(apps, "offline_get_file")
    assert file_utils.get_file is downloads._KERAS_GET_FILE
