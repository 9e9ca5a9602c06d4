"""Text of a PDF as positioned words and lines, read with pdfium (pypdfium2).

The UN reports are tables drawn as loose text: the order in which a PDF stores its text is
not the order a reader sees (a number may be stored before the label on its left), so the
parsers work from positions instead. pypdfium2 was chosen after measuring the 126 reports:
pdfium extracts every character with its box in about 10 s, against minutes for the
pure-Python readers (pdfminer/pdfplumber, pypdf), and it ships its own binary.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from typing import BinaryIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from .errors import ReportRefused


@dataclass(slots=True)
class Word:
    """A run of characters with no gap: its text and box (PDF points, y grows upwards)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Line:
    """Words whose vertical middles are close, left to right."""

    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def top(self) -> float:
        return max(w.top for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    lines: list[Line]

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(slots=True)
class Document:
    name: str
    pages: list[Page]

    @property
    def page_count(self) -> int:
        return len(self.pages)


def open_pdf(source: str | bytes | BinaryIO, name: str) -> pdfium.PdfDocument:
    """Open a PDF or refuse it with the reason pdfium gives (not a PDF, damaged...)."""
    if isinstance(source, bytes) and not source.startswith(b"%PDF"):
        raise ReportRefused(name, "not a PDF file (it does not start with %PDF)")
    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as error:
        raise ReportRefused(name, f"cannot be read as a PDF ({error})") from error


def read_document(source: str | bytes | BinaryIO, name: str) -> Document:
    pdf = open_pdf(source, name)
    try:
        pages = []
        for index in range(len(pdf)):
            try:
                page = pdf[index]
            except pdfium.PdfiumError as error:
                raise ReportRefused(name, f"page {index + 1} is damaged ({error})") from error
            width, height = page.get_size()
            pages.append(Page(index + 1, width, height, group_lines(page_words(page))))
            page.close()
        return Document(name, pages)
    finally:
        pdf.close()


def page_words(page: pdfium.PdfPage) -> list[Word]:
    """Split the page's characters into words at spaces, line breaks and visible gaps."""
    textpage = page.get_textpage()
    raw = textpage.raw
    count = pdfium_raw.FPDFText_CountChars(raw)
    # Loose boxes span the font's advance and height, not the glyph's ink: two "1"s of
    # "11" then touch, and a gap between boxes is a real gap.
    rect = pdfium_raw.FS_RECTF()
    rect_ref = ctypes.byref(rect)
    words: list[Word] = []
    chars: list[str] = []
    x0 = x1 = y_top = y_bottom = 0.0
    for index in range(count):
        code = pdfium_raw.FPDFText_GetUnicode(raw, index)
        char = chr(code) if code else " "
        if char.isspace() or pdfium_raw.FPDFText_IsGenerated(raw, index):
            if chars:
                words.append(Word("".join(chars), x0, x1, y_top, y_bottom))
                chars = []
            continue
        pdfium_raw.FPDFText_GetLooseCharBox(raw, index, rect_ref)
        c_left, c_right, c_bottom, c_top = rect.left, rect.right, rect.bottom, rect.top
        if chars:
            height = max(y_top - y_bottom, c_top - c_bottom, 1.0)
            same_line = abs((c_top + c_bottom) / 2 - (y_top + y_bottom) / 2) < height * 0.5
            # A gap of more than a third of the font's height is a column break even where
            # the report prints no space between two cells.
            if same_line and -height < c_left - x1 < height * 0.33:
                chars.append(char)
                x1 = max(x1, c_right)
                y_top = max(y_top, c_top)
                y_bottom = min(y_bottom, c_bottom)
                continue
            words.append(Word("".join(chars), x0, x1, y_top, y_bottom))
        chars = [char]
        x0, x1, y_top, y_bottom = c_left, c_right, c_top, c_bottom
    if chars:
        words.append(Word("".join(chars), x0, x1, y_top, y_bottom))
    textpage.close()
    return words


def group_lines(words: list[Word]) -> list[Line]:
    """Lines from the top of the page down.

    A word joins the line above it when its middle is within about half its height of the
    line's middle: cells of one row drawn a point or three apart stay together, while a
    name centred between two rows (half a row away) stands on a line of its own.
    """
    lines: list[tuple[list[float], Line]] = []
    for word in sorted(words, key=lambda w: -w.middle):
        if lines:
            middles, line = lines[-1]
            centre = sum(middles) / len(middles)
            if abs(centre - word.middle) <= max(3.0, 0.45 * (word.top - word.bottom)):
                middles.append(word.middle)
                line.words.append(word)
                continue
        lines.append(([word.middle], Line([word])))
    for _, line in lines:
        line.words.sort(key=lambda w: w.x0)
    return [line for _, line in lines]
