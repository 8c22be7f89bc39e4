"""Typed shapes of a page as the layout reader sees it.

Coordinates are in PDF points with the origin at the top left and y growing downwards, the way
a page is read; a text dump's lines carry no geometry (all None) and the reader falls back to
the features a dump has: order, length and wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Segmenter(str, Enum):
    """Which reader turns a page into articles. `rules`: the rule cascade of earlier releases
    (pdfminer's layout analysis for PDFs; a scan's OCR lines grouped into boxes and read the same
    way). `learned`: the layout reader trained on simulated pages. `auto` (the default): the page
    is read by both and the reading judge (`models/reading_judge.py`) keeps the likelier reading
    (docs/benchmarks.md)."""

    AUTO = "auto"
    RULES = "rules"
    LEARNED = "learned"


class Role(str, Enum):
    """What a printed line is. Headline parts open an article; body, subhead, byline and dateline
    lines make it up; captions and credits go with a photo; notices (ads, legal notices, tables)
    and furniture (paper name, date, page, section, editor lines, `转第X版`) are no article's."""

    KICKER = "kicker"
    TITLE = "title"
    SUBTITLE = "subtitle"
    BYLINE = "byline"
    DATELINE = "dateline"
    BODY = "body"
    SUBHEAD = "subhead"
    CAPTION = "caption"
    CREDIT = "credit"
    NOTICE = "notice"
    FURNITURE = "furniture"

    @property
    def headline(self) -> bool:
        return self in (Role.KICKER, Role.TITLE, Role.SUBTITLE)

    @property
    def in_article(self) -> bool:
        return self in (Role.BYLINE, Role.DATELINE, Role.BODY, Role.SUBHEAD)


ROLES = [r.value for r in Role]


@dataclass
class PageLine:
    """One printed line. `size` is the median glyph size; `vertical` marks a column of text set
    one character under the other (vertical headlines, names)."""

    text: str
    x0: float | None = None
    y0: float | None = None
    x1: float | None = None
    y1: float | None = None
    size: float | None = None
    vertical: bool = False
    blank_before: bool = False  # dumps: an empty line precedes this one
    confidence: float | None = None  # OCR: the recogniser's confidence in the line

    @property
    def has_geometry(self) -> bool:
        return self.x0 is not None

    @property
    def width(self) -> float:
        return (self.x1 - self.x0) if self.has_geometry else 0.0

    @property
    def height(self) -> float:
        return (self.y1 - self.y0) if self.has_geometry else 0.0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length of the overlap of intervals [a0, a1] and [b0, b1] (0 when apart): lines, boxes
    and rules are compared along one axis this way everywhere on a page."""
    return max(0.0, min(a1, b1) - max(a0, b0))


@dataclass
class Rule:
    """A printed straight line (column rule, box side), or a picture's box when `image`."""

    x0: float
    y0: float
    x1: float
    y1: float
    image: bool = False

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.y1 - self.y0)


@dataclass
class PageLayout:
    """One page: its lines in the order the source gives them, with what geometry it has."""

    lines: list[PageLine]
    width: float | None = None
    height: float | None = None
    rules: list[Rule] = field(default_factory=list)
    source: str = ""
    page: int = 1
    text: str | None = None  # a dump's page text as given (the rules reader reads it line by line)
    ocr: bool = False  # lines read from an image
    dpi: float | None = None  # scans: the image's resolution (coordinates are points all the same)
    rotated_share: float = 0.0  # PDFs: the share of its glyphs set rotated or mirrored (a turned page)

    @property
    def has_geometry(self) -> bool:
        return self.width is not None and bool(self.lines) and self.lines[0].has_geometry


@dataclass
class Block:
    """Lines of one article that run on together in one column, in reading order."""

    lines: list[int]  # indices into PageLayout.lines
    x0: float = 0.0
    y0: float = 0.0
    x1: float = 0.0
    y1: float = 0.0


@dataclass(frozen=True)
class LayoutConfig:
    """The reader's tunable numbers; `configs/layout.yaml` is the shipped copy."""

    glyph_gap: float = 0.7  # × glyph size: a wider gap ends a printed line
    vertical_gap: float = 0.6  # × glyph size: one-character lines closer than this stack vertically
    block_gap: float = 1.6  # × body size: a wider gap between two column lines ends a block
    link_min: float = 0.3  # a block whose best headline scores lower starts an untitled article
    start_min: float = 0.5  # dumps: a line opens an article above this probability
    dump_link_min: float = 0.5  # dumps: a headless piece joins its likeliest article above this, else opens one
    min_untitled_chars: float = 60  # an untitled run of body lines shorter than this is not an article
    judge_unplaced_p: float = 0.5  # `auto`: text one reading leaves out of every article counts as junctions this likely
    judge_prior_weight: float = 1.0  # `auto`: and so does this much of a prior (in full 200-character paragraphs)
    scan_box_slope: float = 0.909  # scans: an OCR box is slope × type size + offset detector pixels tall
    scan_box_offset: float = 7.55  # detector pixels
    scan_detector_side: float = 2000  # RapidOCR shrinks an image whose longer side passes this (pixels)
    scan_rule_min_len: float = 18  # points: a dark stroke this long or longer on a scan is a printed rule
    scan_rule_max_thick: float = 2  # points: a thicker dark stroke is an area (a picture, a shaded box)
    scan_rule_ink: float = 200  # grey level (0-255) under which a pixel is ink: tinted rules print at 140-200

    def scan_type_size(self, box: float, dpi: float, longest_px: float) -> float:
        """The type size (points) of an OCR line from its box's height (a vertical line's width)
        in points on an image of `dpi` whose longer side is `longest_px`: the detector pads a box
        by some of its own pixels, not by a share of the type, and it sees a large page shrunk."""
        px = dpi / 72 * min(1.0, self.scan_detector_side / max(longest_px, 1.0))  # detector pixels a point
        return max((box * px - self.scan_box_offset) / self.scan_box_slope / px, 0.3 * box)

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> LayoutConfig:
        from xinwen.settings import dataclass_yaml

        data, p = dataclass_yaml(cls, path, "layout")
        for k, v in data.items():
            if not isinstance(v, (int, float)) or v <= 0:
                raise ValueError(f"{p}: {k} must be a positive number, not {v!r}")
        if not data.get("judge_unplaced_p", 0.5) < 1:
            raise ValueError(f"{p}: judge_unplaced_p is a probability below 1, not {data['judge_unplaced_p']!r}")
        return cls(**{k: float(v) for k, v in data.items()})
