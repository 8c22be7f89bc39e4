"""Third-party libraries' own console output, held back in one place.

xinwen's stderr carries its progress bars, warnings and errors, one line each, so logs can be
grepped: transformers' and datasets' tqdm bars, transformers' LOAD REPORT table (raw ANSI codes,
once per fold) and jieba's four-line banner would break into them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


def quiet_jieba():
    """jieba, imported without its `Building prefix dict…` banner. Imported lazily: loading its
    dictionary costs ~0.7 s, which only word features, digests and pretraining need."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@contextmanager
def no_library_bars() -> Iterator[None]:
    """Silence transformers' and datasets' tqdm bars (`Loading weights`, `Generating train split`)
    and transformers' warnings (its load report) for a call; restores whatever was set before."""
    import datasets
    from transformers.utils import logging as hf_logging

    hf_was, ds_was = hf_logging.is_progress_bar_enabled(), not datasets.are_progress_bars_disabled()
    level = hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if hf_was:
            hf_logging.enable_progress_bar()
        if ds_was:
            datasets.enable_progress_bars()
