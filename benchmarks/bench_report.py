"""How long the catalog report takes to write in each format, beyond the check itself, and how big it is.

    python benchmarks/bench_report.py [--reruns N]

The check runs once (with the step cache, as a user's second run would); each
writer then renders the same results, timed over N reruns (median).  Printed
side by side with the check's own time, so "HTML in <= 3 s beyond the check,
<= 5 MB" (issue 13's target) is read off one table.  PDF includes pdflatex.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=3)
    args = parser.parse_args()

    from infoproofs.catalog import load_paths
    from infoproofs.check import CheckOptions, check_all
    from infoproofs.render.report_html import report_html
    from infoproofs.render.report_markdown import report_markdown
    from infoproofs.render.report_model import build_report
    from infoproofs.render.report_tex import build_pdf, report_tex

    derivations = load_paths([ROOT / "derivations"])
    started = time.perf_counter()
    results = check_all(derivations, CheckOptions(), 2)
    check_seconds = time.perf_counter() - started

    def timed(fn) -> tuple[float, int]:
        times, size = [], 0
        for _ in range(args.reruns):
            t = time.perf_counter()
            size = fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times), size

    with tempfile.TemporaryDirectory() as folder:
        rows = [
            ("html", *timed(lambda: len(report_html(build_report(results, check_seconds))[0].encode()))),
            ("md", *timed(lambda: len(report_markdown(build_report(results, check_seconds)).encode()))),
            ("tex", *timed(lambda: len(report_tex(build_report(results, check_seconds), results)[0].encode()))),
        ]
        if shutil.which("pdflatex"):
            pdf = Path(folder) / "catalog.pdf"

            def make_pdf() -> int:
                tex, figures = report_tex(build_report(results, check_seconds), results)
                build_pdf(tex, pdf, figures)
                return pdf.stat().st_size

            rows.append(("pdf", *timed(make_pdf)))
    print(f"catalog: {len(results)} derivations, {sum(len(r.steps) for r in results)} steps; "
          f"check (cache as found): {check_seconds:.2f} s")
    print(f"{'format':8}{'seconds':>10}{'x check':>10}{'MB':>10}")
    for name, seconds, size in rows:
        print(f"{name:8}{seconds:10.2f}{seconds / max(check_seconds, 1e-9):10.2f}{size / 1e6:10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
