"""The certificates PDF rendered by poppler (pdftoppm, pdftotext): long names wrap inside the page."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from contests import results, selectors

LONG_NAME = (
    "Первичная профсоюзная организация Государственного бюджетного общеобразовательного учреждения "
    "города Москвы «Школа № 1234 имени Героя Советского Союза Ивана Николаевича Кожедуба» "
    "(структурное подразделение «Дошкольное отделение № 5»)"
)

# `make test` on a bare machine may lack poppler; CI (.ci/run installs poppler-utils) never skips this.
needs_poppler = pytest.mark.skipif(
    not os.environ.get("CI") and (not shutil.which("pdftoppm") or not shutil.which("pdftotext")),
    reason="poppler-utils is not installed",
)


def _gray_pixels(path) -> tuple[int, int, bytes]:
    """Width, height and the 8-bit pixels of a binary PGM (P5) written by pdftoppm -gray."""
    data = path.read_bytes()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P5" and parts[3] == b"255"
    return int(parts[1]), int(parts[2]), parts[4]


def test_the_wording_follows_the_place(published):
    rows = selectors.contest_ranking(published.contest).rows
    assert [results.certificate_wording(row) for row in rows] == ["за I место", "за II место", "за III место"]
    rows[2].place = 4
    assert results.certificate_wording(rows[2]) == "за участие"


@needs_poppler
def test_a_long_name_wraps_inside_the_page_and_is_never_cut(published, tmp_path):
    entry = published.entries["ЗАО"]
    entry.title = LONG_NAME
    entry.save()
    content = results.certificates_pdf(selectors.contest_ranking(published.contest), issuer="МГО Профсоюза")
    pdf = tmp_path / "certificates.pdf"
    pdf.write_bytes(content)
    # The whole name is on the first page (ЗАО is first), over several lines.
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert " ".join(LONG_NAME.split()) in " ".join(text.split())
    assert "за I место в конкурсе «Тестовый конкурс»" in " ".join(text.split())
    # Rendered: A4 landscape, and nothing is drawn in a 1 cm band along the left and right edges.
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-gray", str(pdf), str(tmp_path / "page")], check=True
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes().startswith(b"\x89PNG")
    width, height, pixels = _gray_pixels(next(tmp_path.glob("page*.pgm")))
    assert abs(width - 585) <= 1 and abs(height - 413) <= 1  # 297 × 210 mm at 50 dpi
    band = round(50 / 2.54)  # 1 cm
    edges = [pixels[y * width + x] for y in range(height) for x in (*range(band), *range(width - band, width))]
    assert min(edges) == 255
    assert min(pixels) < 128  # and the page does have text on it
