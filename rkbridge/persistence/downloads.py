"""Files from the network, through Keras's own `get_file()` and cache (CONVENTIONS.md
section 7).

Keras downloads with `urllib.request.urlretrieve()`, which has no timeout: offline, behind a
firewall that drops packets, a call can hang for minutes. So the one download step is done
here, with a short connect/read timeout on that single connection (nothing process-wide
changes), into the exact file Keras would write; everything else (the cache location,
`KERAS_HOME`, hashes, extraction) is Keras's `get_file()`, which then finds the file in its
cache. A failed download names the URL and the exact path where the file can be placed.

`via_rkbridge()` routes Keras's own callers of `get_file()` (the dataset loaders, the
applications' weight files) through `get_file()` here, for the duration of one call.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import warnings
from types import ModuleType
from typing import Any, Iterator

from ..wrappers import args as A
from .._keras import keras
from ..errors import RkNetworkError, RkValueError
from ..keras_internals import file_utils, keras_home

_file_utils = file_utils()

# Seconds to wait for a connection (and for each read on it): long enough for a slow
# server, short enough that "no network" is an error within seconds, never a hang.
TIMEOUT_S = 10.0

_KERAS_GET_FILE = _file_utils.get_file  # the original, whatever is swapped in later


def _process_env(name: str) -> str | None:
    """A variable of the process environment as it is now: R's `Sys.setenv()` changes it
    without Python's `os.environ` (a copy made at start) knowing."""
    try:
        libc = ctypes.CDLL(None)
        libc.getenv.restype = ctypes.c_char_p
        value = libc.getenv(name.encode())
        return value.decode() if value else None
    except (OSError, AttributeError):
        return os.environ.get(name)


def keras_cache_dir() -> str:
    """Keras's cache directory: `$KERAS_HOME` (read now: Keras reads it once, when it is
    imported, and a user may set it later), else Keras's own (`~/.keras`)."""
    return _process_env("KERAS_HOME") or keras_home()


def cache_paths(fname: Any, origin: str, cache_subdir: str = "datasets",
                cache_dir: Any = None, extract: bool = False) -> tuple[str, str | None]:
    """(file Keras downloads to, directory it extracts to or None): the rules of
    `keras.utils.get_file()` (Keras 3.12+), so that a download lands where Keras looks."""
    cache_dir = keras_cache_dir() if cache_dir is None else str(cache_dir)
    base = os.path.expanduser(cache_dir)
    with contextlib.suppress(OSError):  # a new $KERAS_HOME (Keras made its own at import)
        os.makedirs(base, exist_ok=True)
    if not os.access(base, os.W_OK):  # Keras falls back to /tmp/.keras
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(),
                            ".keras")
    datadir = os.path.join(base, cache_subdir)
    given = fname
    fname = os.fspath(fname) if fname else os.path.basename(
        urllib.parse.urlsplit(origin).path)
    if not extract:
        return os.path.join(datadir, fname), None
    if given and "." in fname:
        stem = fname[: fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def _open(url: str) -> Any:
    """The one connection a download makes, with its own timeout."""
    return urllib.request.urlopen(url, timeout=TIMEOUT_S)


def _download(origin: str, target: str) -> None:
    """Fetch `origin` into `target` (atomically: a failure leaves nothing behind)."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    print(f"Downloading data from {origin}", flush=True)
    fd, tmp = tempfile.mkstemp(prefix=".download-", dir=os.path.dirname(target))
    try:
        with os.fdopen(fd, "wb") as out, _open(origin) as response:
            size = response.headers.get("Content-Length") if hasattr(response, "headers") \
                else None
            bar = keras.utils.Progbar(int(size) if size and size.isdigit() else None)
            done = 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                bar.update(done)
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        if not isinstance(e, (OSError, urllib.error.URLError, ValueError)):
            raise
        reason = getattr(e, "reason", None) or e
        raise RkNetworkError(
            f"Could not download {origin} ({reason}). Without a network connection, "
            f"download the file elsewhere and place it at \"{target}\" (the Keras cache), "
            f"then call again.") from None


def _verified(path: str, file_hash: Any, algorithm: str) -> bool:
    return file_hash is None or _file_utils.validate_file(path, file_hash, algorithm)


def _download_verified(origin: str, target: str, file_hash: Any, algorithm: str) -> None:
    _download(origin, target)
    if not _verified(target, file_hash, algorithm):
        os.remove(target)
        raise RkValueError(f"The file downloaded from {origin} does not match `file_hash` "
                           f"(\"{file_hash}\"): it was removed.")


def get_file(fname: Any = None, origin: Any = None, file_hash: Any = None,
             cache_subdir: str = "datasets", hash_algorithm: str = "auto",
             extract: Any = False, archive_format: str = "auto", cache_dir: Any = None,
             untar: Any = False, md5_hash: Any = None, force_download: Any = False) -> str:
    """Download a file into the Keras cache, unless it is already there.

    The file from `origin` is saved as `fname` in `cache_dir/cache_subdir` (by default
    `~/.keras/datasets`, or under `$KERAS_HOME`) and used from there on later calls.
    Without a network connection and with nothing cached the call fails within seconds,
    naming the URL and the exact path where the file can be placed by hand.

    Args:
        fname: The file's name in the cache (by default the last part of `origin`).
        origin: The URL of the file (`file://` URLs work too).
        file_hash: The expected sha256 (or md5) hash of the file: a download that does not
            match is an error, and a cached file that does not match is downloaded again.
        cache_subdir: Subdirectory of `cache_dir` (an absolute path is used as it is).
        hash_algorithm: "auto", "sha256" or "md5" (the algorithm of `file_hash`).
        extract: Whether to extract the file (a tar or zip archive); the extracted
            directory's path is returned.
        archive_format: "auto", "tar", "zip" or `NULL`: the archive formats to try.
        cache_dir: The cache directory (default `~/.keras`, or `$KERAS_HOME`).
        untar: Legacy: extract a tar archive (use `extract`).
        md5_hash: Legacy: an md5 `file_hash`.
        force_download: Download again even when the file is cached.

    Returns:
        The path of the local file (or of the directory it was extracted to).
    """
    return fetch(fname, origin, file_hash=file_hash, cache_subdir=cache_subdir,
                 hash_algorithm=hash_algorithm, extract=extract,
                 archive_format=archive_format, cache_dir=cache_dir, untar=untar,
                 md5_hash=md5_hash, force_download=force_download)


def fetch(fname: Any = None, origin: Any = None, *, untar: Any = False, md5_hash: Any = None,
          file_hash: Any = None, cache_subdir: str = "datasets", hash_algorithm: str = "auto",
          extract: Any = False, archive_format: Any = "auto", cache_dir: Any = None,
          force_download: Any = False, trust_cache: bool = False) -> str:
    """`get_file()` with Keras's own arguments. `trust_cache`: a cached file whose hash
    differs is used (with a warning) instead of downloaded again."""
    fname = A.scalar(fname)
    origin = A.scalar(origin)
    if not origin and not fname:
        raise RkValueError("get_file() needs `origin`, the URL of the file.")
    if fname and os.sep in str(fname):
        raise RkValueError(f"`fname` is a file name, not a path (\"{fname}\"): give the "
                           f"directory as `cache_dir`.")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    file_hash = A.scalar(file_hash)
    hash_algorithm = str(A.scalar(hash_algorithm))
    untar, extract = A.as_bool(untar), A.as_bool(extract)
    cache_subdir = str(A.scalar(cache_subdir))
    cache_dir = keras_cache_dir() if cache_dir is None else \
        os.path.expanduser(str(A.scalar(cache_dir)))
    target, _ = cache_paths(fname, origin, cache_subdir, cache_dir, extract or untar)
    if not origin:  # a file already in the cache needs no URL
        if os.path.exists(target) and not (extract or untar):
            return target
        raise RkValueError(f"\"{fname}\" is not in the Keras cache (\"{target}\"): give "
                           f"`origin`, the URL to download it from.")
    if A.as_bool(force_download) or not os.path.exists(target):
        _download_verified(origin, target, file_hash, hash_algorithm)
    elif not _verified(target, file_hash, hash_algorithm):
        if trust_cache:
            warnings.warn(f"\"{target}\" is not the file Keras knows for {origin} (its "
                          f"hash differs); it is used as it is.", stacklevel=2)
        else:
            print(f"The cached \"{target}\" does not match `file_hash`: downloading it "
                  f"again.", flush=True)
            _download_verified(origin, target, file_hash, hash_algorithm)
    if isinstance(archive_format, (list, tuple)) and len(archive_format) == 1:
        archive_format = archive_format[0]
    # The file is in the cache now: Keras's get_file() finds it (no download) and extracts.
    return _KERAS_GET_FILE(fname=fname, origin=origin, untar=untar,
                           cache_subdir=cache_subdir, extract=extract,
                           archive_format=archive_format, cache_dir=cache_dir)


_route_lock = threading.RLock()


@contextlib.contextmanager
def via_rkbridge(*modules: ModuleType, trust_cache: bool = False,
                 fetched: list[str] | None = None) -> Iterator[None]:
    """Within the block, Keras code in `modules` that calls `get_file()` gets `fetch()`
    (downloads with a timeout and the same cache), e.g. a dataset loader or an application
    reading its weights; the modules' own `get_file` is restored afterwards. The paths it
    gave are appended to `fetched`."""
    def routed(*args: Any, **kwargs: Any) -> str:
        path = fetch(*args, trust_cache=trust_cache, **kwargs)
        if fetched is not None:
            fetched.append(path)
        return path

    with _route_lock:
        saved = [(m, m.get_file) for m in modules]
        try:
            for m in modules:
                m.get_file = routed
            yield
        finally:
            for m, fn in saved:
                m.get_file = fn
