"""Where each cache named in the manifest lives, resolved at call time.

The rules copy the libraries the notebooks use, so a fetched file lands exactly where their
standard calls look:

* ``keras`` and ``course``: ``$KERAS_HOME/datasets/``, as in ``keras.utils.get_file``
  (keras/src/backend/config.py and keras/src/utils/file_utils.py). ``KERAS_HOME`` defaults to
  ``~/.keras``, or ``/tmp/.keras`` when the home folder is not writable; a ``KERAS_HOME`` that
  exists but is not writable also falls back to ``/tmp/.keras``. Keras reads ``KERAS_HOME`` once,
  when it is imported, so set it before importing ``tensorflow.keras`` or ``keras``.
* ``scipy-data``: ``pooch.os_cache("scipy-data")``, as in scipy/datasets/_fetchers.py
  (``$XDG_CACHE_HOME/scipy-data`` when that variable is an absolute path, else
  ``~/.cache/scipy-data`` on Linux). ``scipy.datasets`` computes it once, on import.
"""

from __future__ import annotations

import os
from pathlib import Path

from graders.datasets.errors import DatasetError
from graders.i18n import _

#: Cache names a manifest may use in ``dest.cache``.
CACHES = ("keras", "scipy-data", "course")


def keras_home() -> Path:
    """Keras' home folder: ``$KERAS_HOME``, else ``~/.keras`` (or ``/tmp/.keras``)."""
    if "KERAS_HOME" in os.environ:
        home = os.environ["KERAS_HOME"]
    else:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    # Keras creates its home on import, then keras.utils.get_file falls back to /tmp/.keras
    # when that folder is not writable (an empty KERAS_HOME included).
    if not home or not _usable(Path(os.path.expanduser(home))):
        return Path("/tmp/.keras")
    return Path(os.path.expanduser(home))


def _usable(path: Path) -> bool:
    """Whether ``path`` is a writable folder, or could be created as one."""
    while not path.exists():
        if path.parent == path:
            return False
        path = path.parent
    return path.is_dir() and os.access(path, os.W_OK)


def scipy_data_dir() -> Path:
    """The pooch cache folder scipy.datasets uses (``pooch.os_cache("scipy-data")``)."""
    import pooch

    return Path(pooch.os_cache("scipy-data"))


def worker_caches(root: str | None = None) -> tuple[dict[str, str | None], dict[str, str]]:
    """The caches as a graded process reads them: (mounts, environment).

    mounts: each folder under root -> this process's cache folder bound there read-only,
    or None for a writable folder of the graded process's own (Keras' home); environment:
    the ``KERAS_HOME`` and ``XDG_CACHE_HOME`` that point Keras and scipy.datasets under
    root or, with root None (no file system view of its own), at this process's caches.
    """
    keras, scipy = keras_home(), scipy_data_dir()
    mounts = {"keras": None, "keras/datasets": str(keras / "datasets"), "scipy-data": str(scipy)}
    if root is None:
        return mounts, {"KERAS_HOME": str(keras), "XDG_CACHE_HOME": str(scipy.parent)}
    return mounts, {"KERAS_HOME": f"{root}/keras", "XDG_CACHE_HOME": root}


def cache_root(cache: str) -> Path:
    """The folder a manifest cache name stands for, from the current environment."""
    if cache in ("keras", "course"):
        return keras_home() / "datasets"
    if cache == "scipy-data":
        return scipy_data_dir()
    raise DatasetError(_("unknown cache {cache}; expected one of: {known}").format(
        cache=repr(cache), known=", ".join(CACHES)
    ))
