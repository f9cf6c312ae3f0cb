"""The course datasets: the manifest (data/datasets.json) and the tool that fetches them.

``fetch()`` puts files where the notebooks' standard loaders look (``$KERAS_HOME/datasets``,
``pooch.os_cache("scipy-data")``), from the mirror folder named by ``$C1_DATA_MIRROR`` (or the
``mirror`` argument) when it holds them, else from their public URLs.
"""

from graders.datasets.errors import DatasetError
from graders.datasets.fetch import MIRROR_ENV, fetch
from graders.datasets.manifest import DataFile, Dataset, Manifest, load_manifest

__all__ = [
    "MIRROR_ENV",
    "DataFile",
    "Dataset",
    "DatasetError",
    "Manifest",
    "fetch",
    "load_manifest",
]
