"""OCR of scanned reply letters: tesseract (chi_sim) against RapidOCR, by measurement.

    /work/ocrvenv/bin/python bench/ocr.py [--out /work/ocrbench] [--runs RUN ...] [--quick]

Needs, outside the project's .venv (nothing is downloaded at run time):
  apt-get install tesseract-ocr tesseract-ocr-chi-sim fonts-noto-cjk
  python3 -m venv /work/ocrvenv && /work/ocrvenv/bin/pip install rapidocr-onnxruntime==1.4.4 \
      onnxruntime==1.20.1 opencv-python==4.11.0.86 numpy==1.26.4 shapely==2.0.6 \
      pyclipper==1.3.0.post6 PyYAML==6.0.2 six==1.17.0 Pillow==11.1.0 tqdm==4.67.1
(rapidocr-onnxruntime's wheel carries its PP-OCRv4 det/rec and mobile cls models.)

What it does:
1. Renders every seed letter (../shared/seeds/*.txt, markdown marks dropped) as A4 pages the way
   a printed 公文 looks: Noto Serif CJK SC at 16 pt (三号) on a 28 pt line pitch, GB/T 9704
   margins (about 28 chars x 22 lines a page), a bold centred head and title, rules for `---`, a
   "— N —" page number. Variants: "clean" (black on white) and "scanned" (turned by up to 0.8°,
   grey paper, blur, noise, specks), at 300 and 200 dpi. What is printed on a page, whitespace
   removed, is the reference for that page.
2. Runs each engine on each page image, one page at a time, on the 2-core machine: tesseract as
   `tesseract IMG OUT -l chi_sim --psm N txt tsv` (one process a page: its model load counts),
   with OMP_THREAD_LIMIT=1 (`t1`) or with its default OpenMP threads, which on this machine make
   it several times slower for the same text; RapidOCR in-process with onnxruntime on all cores
   or one (`t1`), its model load once and reported apart.
3. Character accuracy = 1 - Levenshtein(reference, OCR) / len(reference), whitespace removed,
   summed over pages (also after NFKC, which maps ：（）to :() as the loader's scorer does).
   Confidence: tesseract's mean word `conf` from its TSV (level-5 rows with text; 0-100);
   RapidOCR's mean line score x 100.
4. Field accuracy: each run that read every page writes the letters' OCR text under the seeds'
   own names to OUT/<run>/ (and OUT/<run>-joined/, with whitespace between two CJK characters
   removed) and scores them with ../shared/tools/score_loader.py through the project's .venv
   (manage.py import_replies --dry-run). OUT/reference-<dpi>/ holds the printed text itself
   (page numbers included): the ceiling that rendering leaves.

A RUN is ENGINE:VARIANT:DPI[:psmN][:t1][:nocls][:first]; `first` reads only the first page of
each letter (no field accuracy); `nocls` turns RapidOCR's 0/180° line classifier off (with it on,
two upright lines of one clean page were turned upside down and their text lost). The default
runs take about 11 minutes on the idle 2-core VM (15 with other jobs running); --quick runs two.
Wall seconds are only worth comparing on an otherwise idle machine (--repeat N keeps each page's
fastest of N reads); the CPU seconds column (all threads) is steadier when something else runs.
"""

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
SERIF, SERIF_BOLD = FONT_DIR / "NotoSerifCJK-Regular.ttc", FONT_DIR / "NotoSerifCJK-Bold.ttc"
SANS_BOLD = FONT_DIR / "NotoSansCJK-Bold.ttc"
SC_INDEX = 2  # JP, KR, SC, TC, HK in the Noto CJK collections
A4_MM = (210, 297)
MARGIN_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # GB/T 9704-2012
BODY_PT, PITCH_PT = 16, 28

DEFAULT_RUNS = [
    "tesseract:clean:300:psm6:t1",
    "tesseract:clean:300:psm4:t1",
    "tesseract:clean:300:psm3:t1",
    "tesseract:clean:300:psm6:first",
    "rapidocr:clean:300",
    "rapidocr:clean:300:nocls",
    "rapidocr:clean:300:nocls:t1:first",
    "tesseract:scanned:300:psm6:t1",
    "rapidocr:scanned:300:nocls",
    "tesseract:clean:200:psm6:t1",
    "rapidocr:clean:200:nocls",
    "tesseract:scanned:200:psm6:t1:first",
    "rapidocr:scanned:200:nocls:first",
]
QUICK_RUNS = ["tesseract:clean:300:psm6:t1:first", "rapidocr:clean:300:nocls:first"]

CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2014\u2018-\u201d\u2026"
CJK_GAP = re.compile(rf"(?<=[{CJK}])[ \t\u3000]+(?=[{CJK}])")


# ---------------------------------------------------------------- edit distance


def levenshtein(a: str, b: str) -> int:
    """Edit distance in O(len(a)) bits of memory (Hyyrö's bit-parallel form of Myers' algorithm)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    m = len(b)
    peq: dict[str, int] = {}
    for i, ch in enumerate(b):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    mask, high = (1 << m) - 1, 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for ch in a:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
    return score


def _levenshtein_dp(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- rendering


def letter_lines(raw: str) -> list[tuple[str, str]]:
    """(kind, text) for each printed line of a seed: kind is h1, h2, h3, rule or body."""
    out = []
    for line in raw.splitlines():
        line = line.rstrip()
        stripped = line.strip()
        if not stripped or re.fullmatch(r"\[image:.*\]", stripped):
            continue
        if re.fullmatch(r"-{3,}|\*{3,}", stripped):
            out.append(("rule", ""))
            continue
        kind = "body"
        heading = re.match(r"(#{1,6})\s+(.*)", stripped)
        if heading:
            kind, line = f"h{min(len(heading.group(1)), 3)}", heading.group(2)
        out.append((kind, line.replace("**", "")))
    return out


class Renderer:
    def __init__(self, dpi: int):
        from PIL import ImageFont

        self.dpi = dpi
        px = lambda pt: round(pt * dpi / 72)  # noqa: E731
        self.fonts = {
            "body": ImageFont.truetype(str(SERIF), px(BODY_PT), index=SC_INDEX),
            "h1": ImageFont.truetype(str(SERIF_BOLD), px(26), index=SC_INDEX),
            "h2": ImageFont.truetype(str(SANS_BOLD), px(18), index=SC_INDEX),
            "h3": ImageFont.truetype(str(SANS_BOLD), px(BODY_PT), index=SC_INDEX),
            "foot": ImageFont.truetype(str(SERIF), px(14), index=SC_INDEX),
        }
        mm = lambda v: round(v * dpi / 25.4)  # noqa: E731
        self.size = (mm(A4_MM[0]), mm(A4_MM[1]))
        self.left, self.right = mm(MARGIN_MM["left"]), self.size[0] - mm(MARGIN_MM["right"])
        self.top, self.bottom = mm(MARGIN_MM["top"]), self.size[1] - mm(MARGIN_MM["bottom"])
        self.pitch = px(PITCH_PT)
        self._notdef = self._mask("\ue000")
        self._known: dict[str, bool] = {}

    def _mask(self, ch: str) -> bytes:
        return bytes(self.fonts["body"].getmask(ch))

    def printable(self, text: str) -> str:
        """Drops what the font has no glyph for (e.g. the Arabic-Indic digits in one seed)."""
        keep = []
        for ch in text:
            if ch not in self._known:
                cat = unicodedata.category(ch)
                self._known[ch] = ch.isspace() or (cat[0] != "C" and self._mask(ch) != self._notdef)
            if self._known[ch]:
                keep.append(ch)
        return "".join(keep)

    def wrap(self, text: str, font) -> list[str]:
        width = self.right - self.left
        lines, cur = [], ""
        for ch in text:
            if cur and font.getlength(cur + ch) > width:
                lines.append(cur)
                cur = ""
            cur += ch
        lines.append(cur)
        return lines

    def pages(self, raw: str) -> list[list[tuple[str, str]]]:
        """Lays the letter out: a list of pages, each a list of (font kind, printed line)."""
        pages, page, used = [], [], 0
        for kind, text in letter_lines(raw):
            text = self.printable(text)
            if kind != "rule" and not text.strip():
                continue
            font_kind = kind if kind in ("h1", "h2", "h3") else "body"
            rows = [""] if kind == "rule" else self.wrap(text, self.fonts[font_kind])
            step = round(self.pitch * (1.6 if kind == "h1" else 1.0))
            for row in rows:
                if used + step > self.bottom - self.top:
                    pages.append(page)
                    page, used = [], 0
                page.append(("rule" if kind == "rule" else font_kind, row))
                used += step
        if page:
            pages.append(page)
        return pages

    def draw(self, page: list[tuple[str, str]], number: int, scanned: bool, rng: random.Random):
        from PIL import Image, ImageDraw

        img = Image.new("L", self.size, 255)
        d = ImageDraw.Draw(img)
        y = self.top
        for kind, row in page:
            step = round(self.pitch * (1.6 if kind == "h1" else 1.0))
            if kind == "rule":
                mid = y + step // 2
                d.line([(self.left, mid), (self.right, mid)], fill=0, width=max(2, self.dpi // 100))
            else:
                font = self.fonts[kind]
                x = self.left
                if kind in ("h1", "h2"):
                    x = self.left + (self.right - self.left - font.getlength(row)) / 2
                d.text((x, y + step / 2), row, font=font, fill=0, anchor="lm")
            y += step
        foot = f"— {number} —"
        font = self.fonts["foot"]
        d.text((self.size[0] / 2, self.bottom + self.pitch), foot, font=font, fill=0, anchor="mm")
        if scanned:
            img = self.scan(img, rng)
        return img

    def scan(self, img, rng: random.Random):
        """A flatbed scan: slightly turned, grey paper, soft edges, sensor noise, dust specks."""
        import numpy as np
        from PIL import Image, ImageFilter

        img = img.rotate(
            rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, expand=False, fillcolor=255
        )
        img = img.filter(ImageFilter.GaussianBlur(radius=0.5 * self.dpi / 300))
        arr = np.asarray(img, dtype=np.float32)
        paper = rng.uniform(228, 242)
        arr = arr * (paper - 25) / 255 + 25  # ink ~25, paper ~235
        nrng = np.random.default_rng(rng.randrange(1 << 30))
        arr += nrng.normal(0, 10, arr.shape)
        for _ in range(int(300 * (self.dpi / 300) ** 2)):
            yy, xx = nrng.integers(0, arr.shape[0]), nrng.integers(0, arr.shape[1])
            r = int(nrng.integers(1, 3))
            arr[yy : yy + r, xx : xx + r] = nrng.uniform(30, 120)
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")

    @staticmethod
    def text(page: list[tuple[str, str]], number: int) -> str:
        return "\n".join(row for kind, row in page if kind != "rule") + f"\n— {number} —\n"


# ---------------------------------------------------------------- engines


def run_tesseract(
    image: Path, out_base: Path, psm: int, one_thread: bool
) -> tuple[str, float, float, float]:
    """Text, wall seconds, CPU seconds (all threads) and confidence of one page."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1") if one_thread else None
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        ["tesseract", str(image), str(out_base), "-l", "chi_sim", "--psm", str(psm), "txt", "tsv"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    text = out_base.with_suffix(".txt").read_text(encoding="utf-8")
    return (
        text,
        seconds,
        cpu,
        tsv_confidence(out_base.with_suffix(".tsv").read_text(encoding="utf-8")),
    )


def tsv_confidence(tsv: str) -> float:
    """A page's 0-100 confidence: the mean `conf` of its words (level 5 rows with text).

    Rows of levels 1-4 (page, block, paragraph, line) carry conf -1 and are skipped, and so are
    empty words.
    """
    confs = []
    rows = tsv.splitlines()
    head = rows[0].split("\t")
    at_level, at_conf, at_text = head.index("level"), head.index("conf"), head.index("text")
    for row in rows[1:]:
        cols = row.split("\t")
        if len(cols) <= at_text or cols[at_level] != "5" or not cols[at_text].strip():
            continue
        conf = float(cols[at_conf])
        if conf >= 0:
            confs.append(conf)
    return statistics.fmean(confs) if confs else 0.0


class Rapid:
    def __init__(self, one_thread: bool):
        started = time.perf_counter()
        from rapidocr_onnxruntime import RapidOCR

        # -1 (the default) lets onnxruntime use every core.
        self.engine = RapidOCR(intra_op_num_threads=1 if one_thread else -1)
        self.load_seconds = time.perf_counter() - started

    def __call__(self, image: Path, use_cls: bool) -> tuple[str, float, float, float]:
        cpu, started = time.process_time(), time.perf_counter()
        result, _ = self.engine(str(image), use_cls=use_cls)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        result = result or []
        return (
            rapid_text(result),
            seconds,
            cpu,
            (100 * statistics.fmean(score for _, _, score in result) if result else 0.0),
        )


def rapid_text(result) -> str:
    """Boxes to lines: boxes whose vertical centres lie within half a box height join a line."""
    boxes = []
    for points, text, _ in result:
        ys = [p[1] for p in points]
        xs = [p[0] for p in points]
        boxes.append(((min(ys) + max(ys)) / 2, max(ys) - min(ys), min(xs), text))
    boxes.sort()
    lines: list[list] = []
    for box in boxes:
        if lines and abs(box[0] - lines[-1][0][0]) < max(box[1], lines[-1][0][1]) / 2:
            lines[-1].append(box)
        else:
            lines.append([box])
    return "\n".join(" ".join(b[3] for b in sorted(line, key=lambda b: b[2])) for line in lines)


# ---------------------------------------------------------------- runs


def parse_run(spec: str) -> dict:
    parts = spec.split(":")
    engine, variant, dpi = parts[0], parts[1], int(parts[2])
    assert engine in ("tesseract", "rapidocr") and variant in ("clean", "scanned"), spec
    psm = next((int(p[3:]) for p in parts[3:] if p.startswith("psm")), 6)
    first, one_thread, cls = "first" in parts[3:], "t1" in parts[3:], "nocls" not in parts[3:]
    name = f"{engine}-{variant}-{dpi}" + (f"-psm{psm}" if engine == "tesseract" else "")
    name += ("" if cls else "-nocls") + ("-t1" if one_thread else "") + ("-first" if first else "")
    return {
        "spec": spec,
        "engine": engine,
        "variant": variant,
        "dpi": dpi,
        "psm": psm,
        "first": first,
        "one_thread": one_thread,
        "cls": cls,
        "name": name,
    }


def score_fields(folder: Path, expected: Path) -> str:
    """The last two lines of score_loader.py for the letters in folder."""
    py = ROOT / ".venv" / "bin" / "python"
    proc = subprocess.run(
        [
            str(py),
            str(SHARED / "tools" / "score_loader.py"),
            str(expected),
            str(folder),
            "--python",
            str(py),
            "--min",
            "0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    (folder.parent / f"{folder.name}.score.txt").write_text(proc.stdout + proc.stderr)
    lines = proc.stdout.strip().splitlines()
    refused = next((ln for ln in lines if ln.startswith("replies refused")), "")
    m = re.search(
        r"field accuracy (\d+)/(\d+) = ([\d.]+); negatives rejected (\d+)/(\d+)",
        lines[-1] if lines else "",
    )
    if not m:
        return "error: " + (lines[-1] if lines else proc.stderr[-200:])
    return (
        f"{m.group(3)} ({m.group(1)}/{m.group(2)}, neg {m.group(4)}/{m.group(5)}, "
        f"{refused.replace('replies refused ', 'refused ')})"
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    ap.add_argument("--expected", type=Path, default=SHARED / "seeds-expected.json")
    ap.add_argument("--out", type=Path, default=Path("/work/ocrbench"))
    ap.add_argument("--runs", nargs="+")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=7, help="for the scanned variant's noise")
    ap.add_argument(
        "--repeat", type=int, default=1, help="read each page N times and keep the fastest"
    )
    args = ap.parse_args()
    runs = [parse_run(s) for s in (args.runs or (QUICK_RUNS if args.quick else DEFAULT_RUNS))]

    for a, b in [("kitten", "sitting"), ("", "ab"), ("答复函", "答复")] + [
        (
            "".join(random.Random(i).choices("甲乙丙丁ab", k=i % 70)),
            "".join(random.Random(i + 99).choices("甲乙丙丁ab", k=(i * 7) % 90)),
        )
        for i in range(50)
    ]:
        assert levenshtein(a, b) == _levenshtein_dp(a, b), (a, b)

    seeds = sorted(args.seeds.glob("*.txt"))
    expected = json.loads(args.expected.read_text(encoding="utf-8"))
    images = args.out / "images"
    args.out.mkdir(parents=True, exist_ok=True)

    # Render each (variant, dpi) once; every letter's pages and their printed text.
    layouts: dict[tuple[str, int], dict[str, list[tuple[Path, str]]]] = {}
    started = time.perf_counter()
    for variant, dpi in sorted({(r["variant"], r["dpi"]) for r in runs} | {("clean", 300)}):
        renderer, rng = Renderer(dpi), random.Random(args.seed)
        folder = images / f"{variant}-{dpi}"
        folder.mkdir(parents=True, exist_ok=True)
        layouts[variant, dpi] = {}
        for seed in seeds:
            pages = renderer.pages(seed.read_text(encoding="utf-8"))
            entries = []
            for n, page in enumerate(pages, 1):
                path = folder / f"{seed.stem}-p{n}.png"
                renderer.draw(page, n, variant == "scanned", rng).save(path, dpi=(dpi, dpi))
                entries.append((path, renderer.text(page, n)))
            layouts[variant, dpi][seed.name] = entries
    references = {}
    for variant, dpi in layouts:
        if variant != "clean":
            continue
        references[dpi] = args.out / f"reference-{dpi}"
        references[dpi].mkdir(exist_ok=True)
        for name, entries in layouts[variant, dpi].items():
            text = "\n".join(t for _, t in entries)
            (references[dpi] / name).write_text(text, encoding="utf-8")
    n_pages = {k: sum(len(v) for v in lay.values()) for k, lay in layouts.items()}
    print(
        f"rendered {n_pages} pages in {time.perf_counter() - started:.1f} s; images in {images}",
        flush=True,
    )
    ref_fields = {dpi: score_fields(folder, args.expected) for dpi, folder in references.items()}
    for dpi, score in ref_fields.items():
        print(f"printed text itself (OUT/reference-{dpi}), field accuracy: {score}", flush=True)

    rapids: dict[bool, Rapid] = {}
    results = []
    for run in runs:
        if run["engine"] == "rapidocr" and run["one_thread"] not in rapids:
            rapids[run["one_thread"]] = Rapid(run["one_thread"])
            print(f"rapidocr model load {rapids[run['one_thread']].load_seconds:.2f} s", flush=True)
        work = args.out / "raw" / run["name"]
        work.mkdir(parents=True, exist_ok=True)
        pages, letters = [], {}
        for name, entries in layouts[run["variant"], run["dpi"]].items():
            texts = []
            for i, (image, ref) in enumerate(entries[:1] if run["first"] else entries):
                times = []
                for _ in range(args.repeat):
                    if run["engine"] == "tesseract":
                        text, secs, cpu, conf = run_tesseract(
                            image, work / image.stem, run["psm"], run["one_thread"]
                        )
                    else:
                        text, secs, cpu, conf = rapids[run["one_thread"]](image, run["cls"])
                    times.append((secs, cpu))
                secs, cpu = min(times)  # the read least disturbed by anything else running
                if run["engine"] == "rapidocr":
                    (work / f"{image.stem}.txt").write_text(text, encoding="utf-8")
                r, h = squeeze(ref), squeeze(text)
                rn, hn = unicodedata.normalize("NFKC", r), unicodedata.normalize("NFKC", h)
                pages.append(
                    {
                        "letter": name,
                        "page": i + 1,
                        "ref": len(r),
                        "dist": levenshtein(r, h),
                        "ref_nfkc": len(rn),
                        "dist_nfkc": levenshtein(rn, hn),
                        "seconds": secs,
                        "cpu": cpu,
                        "conf": conf,
                    }
                )
                texts.append(text)
            letters[name] = "\n".join(texts)
        row = summarise(run, pages)
        if not run["first"]:
            for suffix, fix in (("", lambda t: t), ("-joined", lambda t: CJK_GAP.sub("", t))):
                folder = args.out / (run["name"] + suffix)
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                for name, text in letters.items():
                    (folder / name).write_text(fix(text), encoding="utf-8")
                row["fields" + suffix] = score_fields(folder, args.expected)
        row["first_pages"] = summarise(run, [p for p in pages if p["page"] == 1])
        results.append(row)
        print(
            json.dumps(
                {k: v for k, v in row.items() if k not in ("first_pages", "per_page")},
                ensure_ascii=False,
            ),
            flush=True,
        )

    (args.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(
        f"\nAll pages read by each run (field accuracy: score_loader.py on {len(expected)} letters; "
        "printed text itself: "
        + "; ".join(f"{dpi} dpi {score}" for dpi, score in ref_fields.items())
        + ")\n"
    )
    print(
        "| engine | threads | variant | dpi | pages | char acc | char acc NFKC | s/page (median, max) | CPU s/page "
        "| mean conf | field acc raw | field acc CJK-joined |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for row in results:
        print(table_row(row, row.get("fields", "–"), row.get("fields-joined", "–")))
    print("\nFirst page of each letter only (the same pages for every run)\n")
    print(
        "| engine | threads | variant | dpi | pages | char acc | char acc NFKC | s/page (median, max) | CPU s/page "
        "| mean conf |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in results:
        print(table_row(row["first_pages"]))
    for one_thread, rapid in rapids.items():
        print(
            f"\nrapidocr model load (once a process, {'1 thread' if one_thread else '2 threads'}): "
            f"{rapid.load_seconds:.2f} s"
        )


def summarise(run: dict, pages: list[dict]) -> dict:
    engine = run["engine"] + (
        f" psm{run['psm']}" if run["engine"] == "tesseract" else ("" if run["cls"] else " no cls")
    )
    return {
        "run": run["name"],
        "engine": engine,
        "variant": run["variant"],
        "dpi": run["dpi"],
        "threads": "1" if run["one_thread"] else "2",
        "pages": len(pages),
        "char_acc": 1 - sum(p["dist"] for p in pages) / sum(p["ref"] for p in pages),
        "char_acc_nfkc": 1 - sum(p["dist_nfkc"] for p in pages) / sum(p["ref_nfkc"] for p in pages),
        "seconds_mean": statistics.fmean(p["seconds"] for p in pages),
        "seconds_median": statistics.median(p["seconds"] for p in pages),
        "seconds_max": max(p["seconds"] for p in pages),
        "cpu_mean": statistics.fmean(p["cpu"] for p in pages),
        "conf": statistics.fmean(p["conf"] for p in pages),
        "per_page": pages,
    }


def table_row(row: dict, *extra: str) -> str:
    cells = [
        row["engine"],
        row["threads"],
        row["variant"],
        str(row["dpi"]),
        str(row["pages"]),
        f"{row['char_acc']:.4f}",
        f"{row['char_acc_nfkc']:.4f}",
        f"{row['seconds_mean']:.2f} ({row['seconds_median']:.2f}, {row['seconds_max']:.2f})",
        f"{row['cpu_mean']:.2f}",
        f"{row['conf']:.1f}",
        *extra,
    ]
    return "| " + " | ".join(cells) + " |"


if __name__ == "__main__":
    sys.exit(main())
