"""Plain-data descriptions of a tf.data.Dataset of (images, labels) batches, and their judges.

``describe_image_dataset`` runs where the dataset lives: it reads the element spec and
iterates the dataset once, summing up what the judges need (batch sizes, image shape, pixel
range, label values and counts, the mean pixel of each label's images). The judges only read
that summary.

``load_mnist`` and ``course_data`` give observers the course's own copy of a dataset, so
what a learner's function is tried on is the course data, whatever their namespace says.
``course_data`` gives an image dataset: the zip fetched into the Keras cache (checked
against the manifest), extracted into a temporary folder.
"""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graders.checks.core import Verdict, fail, ok
from graders.checks.values import type_name
from graders.i18n import _, ngettext


def load_mnist(split: str = "train") -> tuple[Any, Any]:
    """The raw MNIST images (uint8, N x 28 x 28) and labels of split ("train" or "test"),
    from the fetched dataset cache; FileNotFoundError with the command to run otherwise."""
    import numpy as np

    from graders.datasets.manifest import load_manifest

    path = load_manifest().select(["mnist"])[0].files[0].destination()
    if not path.is_file():
        raise FileNotFoundError(
            _("MNIST is not at {path}: fetch it with `python -m graders data fetch mnist`").format(
                path=path)
        )
    with np.load(path) as data:
        return data[f"x_{split}"], data[f"y_{split}"]


@contextlib.contextmanager
def course_data(name: str) -> Iterator[Path]:
    """The zip of the dataset called name, from the fetched cache, extracted to a temporary folder.

    Raises FileNotFoundError with the command to run when the dataset was not fetched, and
    ValueError when the cached copy is not the manifest's.
    """
    from graders.datasets.fetch import is_valid_copy
    from graders.datasets.manifest import load_manifest

    (data_file,) = load_manifest().select([name])[0].files
    archive = data_file.destination()
    if not archive.is_file():
        raise FileNotFoundError(
            _("the {name} data is not at {path}: run `python -m graders data fetch {name}`").format(
                name=name, path=archive)
        )
    if not is_valid_copy(archive, data_file):
        raise ValueError(
            _("{path} is not the course's {name} data: fetch it again with --force").format(
                path=archive, name=name)
        )
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as folder:
        with zipfile.ZipFile(archive) as opened:
            opened.extractall(folder)
        yield Path(folder)


def _spec(spec: Any) -> dict[str, Any]:
    shape = getattr(spec, "shape", None)
    return {
        "kind": type(spec).__name__,
        "shape": None if shape is None or shape.rank is None else [d for d in shape.as_list()],
        "dtype": getattr(getattr(spec, "dtype", None), "name", None),
    }


def describe_image_dataset(dataset: Any, max_batches: int = 1000) -> dict[str, Any]:
    """Type, element spec and a one-pass summary of a dataset of (images, labels) batches."""
    import numpy as np
    import tensorflow as tf

    if not isinstance(dataset, tf.data.Dataset):
        return {"is_dataset": False, "type": type_name(dataset)}
    spec = dataset.element_spec
    pair = isinstance(spec, tuple) and len(spec) == 2
    described: dict[str, Any] = {
        "is_dataset": True,
        "type": type_name(dataset),
        "pairs": pair,
        "element_spec": [_spec(s) for s in spec] if isinstance(spec, tuple) else [_spec(spec)],
    }
    if not pair:
        return described
    batch_sizes: list[int] = []
    label_shapes: set[tuple[int, ...]] = set()
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    low, high = np.inf, -np.inf
    for images, labels in dataset.take(max_batches):
        images = np.asarray(images, dtype=np.float64)
        labels = np.asarray(labels)
        batch_sizes.append(int(images.shape[0]) if images.ndim else 0)
        label_shapes.add(tuple(int(d) for d in labels.shape[1:]))
        low, high = min(low, float(images.min())), max(high, float(images.max()))
        flat = labels.reshape(labels.shape[0], -1) if labels.ndim else labels.reshape(1, 1)
        per_image = images.reshape(images.shape[0], -1).mean(axis=1)
        for label, mean in zip(flat.tolist(), per_image.tolist(), strict=False):
            key = ",".join(f"{value:g}" for value in label)
            sums[key] = sums.get(key, 0.0) + mean
            counts[key] = counts.get(key, 0) + 1
    described.update(
        batch_sizes=batch_sizes,
        min=None if not batch_sizes else low,
        max=None if not batch_sizes else high,
        label_shapes=sorted(list(s) for s in label_shapes),
        label_counts=counts,
        label_means={key: sums[key] / counts[key] for key in counts},
    )
    return described


# ----------------------------------------------------------------------------- judges


def expect_pairs(described: dict[str, Any]) -> Verdict:
    """Pass for a non-empty tf.data.Dataset whose elements are (images, labels) pairs."""
    if not described.get("is_dataset"):
        return fail(_("type"), _("a tf.data.Dataset"), described.get("type"))
    if not described.get("pairs"):
        got = _("elements made of {count} part(s)").format(
            count=len(described.get("element_spec", [])))
        return fail(_("elements"), _("(images, labels) pairs"), got)
    if not described.get("batch_sizes"):
        return fail(_("contents"), _("at least one batch"), _("an empty dataset"))
    return ok()


def expect_batches(described: dict[str, Any], batch_size: int) -> Verdict:
    """Pass for a tf.data.Dataset of (images, labels) pairs in batches of batch_size.

    Every batch but the last must hold batch_size examples; the last at most that many.
    """
    verdict = expect_pairs(described)
    if not verdict.passed:
        return verdict
    sizes = described["batch_sizes"]
    if any(size != batch_size for size in sizes[:-1]) or sizes[-1] > batch_size:
        return fail(
            _("images per batch"),
            _("batches of {size} images (the last one may hold fewer)").format(size=batch_size),
            _("{batches} (batch_size sets it)").format(batches=describe_batch_sizes(sizes)),
        )
    return ok()


def describe_batch_sizes(sizes: list[int]) -> str:
    """Batch sizes in words, e.g. "2 batches of 32 images and a last one of 16"."""
    def group(count: int, size: int) -> str:
        if size == 1:
            words = ngettext("{count} batch of 1 image", "{count} batches of 1 image", count)
        else:
            words = ngettext("{count} batch of {size} images", "{count} batches of {size} images",
                             count)
        return words.format(count=count, size=size)

    runs: list[list[int]] = []
    for size in sizes:
        if runs and runs[-1][1] == size:
            runs[-1][0] += 1
        else:
            runs.append([1, size])
    if len(runs) == 2 and runs[1][0] == 1:
        return _("{batches} and a last one of {size}").format(
            batches=group(*runs[0]), size=runs[1][1])
    return ", ".join(group(count, size) for count, size in runs)


def expect_images(
    described: dict[str, Any], shape: list[int], low: float = 0.0, high: float = 1.0
) -> Verdict:
    """Pass for image batches of the given shape (batch axis excluded) with pixels in [low, high].

    The brightest pixel must be above the middle of the range, so images divided twice (or
    not at all) fail.
    """
    verdict = expect_pairs(described)
    if not verdict.passed:
        return verdict
    image = described["element_spec"][0]
    batch_shape, got_shape = (None, *shape), tuple(image["shape"] or ())
    if got_shape != batch_shape:
        return fail(_("image batch shape"), batch_shape, got_shape)
    if described.get("max") is None:
        return fail(
            _("pixel values"), _("between {low:g} and {high:g}").format(low=low, high=high),
            _("no images"),
        )
    if described["min"] < low or described["max"] > high:
        got = _("values from {min:g} to {max:g}").format(min=described["min"],
                                                        max=described["max"])
        want = _("between {low:g} and {high:g} (rescale the pixels, e.g. with "
                 "tf.keras.layers.Rescaling(1./255))").format(low=low, high=high)
        return fail(_("pixel values"), want, got)
    if described["max"] <= (low + high) / 2:
        return fail(
            _("brightest pixel"), _("close to {high:g} (rescale only once)").format(high=high),
            f"{described['max']:g}",
        )
    return ok()


def expect_labels(
    described: dict[str, Any],
    classes: dict[str, int],
    means: dict[str, float],
    tolerance: float,
) -> Verdict:
    """Pass when each class has its label, its number of images and its images' mean pixel.

    classes maps a class name to its image count, in label order (label 0 first); means maps
    it to the mean pixel value of its images (in [0, 1]), which tells whether the right images
    carry the right label. The means are compared relative to the brightest pixel, so this
    check does not depend on how (or whether) the pixels were rescaled.
    """
    verdict = expect_pairs(described)
    if not verdict.passed:
        return verdict
    shapes = described.get("label_shapes", [])
    if any(shape not in ([], [1]) for shape in shapes):
        return fail(
            _("labels"), _("one number per image (0 or 1)"),
            _("label shapes {shapes}").format(shapes=shapes),
        )
    counts = described.get("label_counts", {})
    want = {str(label): count for label, count in enumerate(classes.values())}
    if {str(_number(k)): v for k, v in counts.items()} != want:
        labelled = _("{count} labelled {label}")
        named = ", ".join(labelled.format(count=n, label=label) for label, n in want.items())
        got = ", ".join(
            labelled.format(count=v, label=k) for k, v in sorted(counts.items())
        ) or _("no labels")
        return fail(_("labels"), named, got)
    brightest = described.get("max") or 1.0
    got_means = {
        str(_number(k)): v / brightest for k, v in described.get("label_means", {}).items()
    }
    for label, (name, mean) in enumerate(means.items()):  # means may be empty: counts only
        if abs(got_means[str(label)] - mean) > tolerance:
            return fail(
                _("images labelled {label}").format(label=label),
                _("the {name} images (folder {name}/), mean pixel {mean:.4f}").format(
                    name=name, mean=mean),
                _("images with mean pixel {mean:.4f}").format(mean=got_means[str(label)]),
            )
    return ok()


def _number(key: str) -> float | str:
    try:
        value = float(key)
    except ValueError:
        return key
    return int(value) if value.is_integer() else value
