#!/usr/bin/env python3
"""Tests of scripts/bench_report.py (the tables and plots of scripts/bench-compare)
on the recorded run in tests/bench/data/. No timing is asserted: the expected
figures are recomputed from the CSV. Prints "N passed, M failed" at the end.

  python3 tests/bench/test_report.py
"""

import csv
import json
import os
import shutil
import statistics
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import bench_report as br  # noqa: E402

DATA = os.path.join(HERE, "data")


def table_rows(md, heading):
    """{first cell: [cells]} of the Markdown table under a '### heading'."""
    lines = md.splitlines()
    i = lines.index("### " + heading)
    rows, started = {}, False
    for line in lines[i + 1:]:
        if line.startswith("|"):
            started = True
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = cells
        elif started or line.startswith("#"):
            break
    return rows


def section(md, heading):
    """The text from '### heading' to the next heading."""
    lines = md.splitlines()
    i = lines.index("### " + heading)
    out = []
    for line in lines[i + 1:]:
        if line.startswith("#"):
            break
        out.append(line)
    return "\n".join(out)


def recorded(impl, transport, bench, np, size):
    """Median over rounds of the recorded figures, or None."""
    with open(os.path.join(DATA, "results.csv")) as f:
        vals = [float(r["value"]) for r in csv.DictReader(l for l in f if not l.startswith("#"))
                if (r["impl"], r["transport"], r["bench"], int(r["np"]), int(r["size"])) ==
                (impl, transport, bench, np, size)]
    return statistics.median(vals) if vals else None


class ReportOnRecordedRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="bench-report-test.")
        cls.out = os.path.join(cls.tmp, "run")
        shutil.copytree(DATA, cls.out)
        path = br.write_report(cls.out)
        with open(path) as f:
            cls.md = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_header_names_every_implementation(self):
        rows = table_rows(self.md, "latency — TCP, 2 ranks")
        self.assertEqual(rows["size"], ["size", "Tern", "MPICH", "Open MPI", "Tern / best"])

    def test_latency_ratio_is_tern_over_the_lowest_other(self):
        rows = table_rows(self.md, "latency — TCP, 2 ranks")
        for size, label in ((0, "0 B"), (64, "64 B"), (4096, "4 KiB"), (32768, "32 KiB")):
            tern = recorded("tern", "tcp", "latency", 2, size)
            best = min(recorded("mpich", "tcp", "latency", 2, size),
                       recorded("openmpi", "tcp", "latency", 2, size))
            self.assertEqual(rows[label][4], "%.2f" % (tern / best), label)
            self.assertEqual(rows[label][1], br.fmt_value(tern))

    def test_bandwidth_ratio_is_tern_over_the_highest_other(self):
        rows = table_rows(self.md, "bw — TCP, 2 ranks")
        tern = recorded("tern", "tcp", "bw", 2, 4096)
        best = max(recorded("mpich", "tcp", "bw", 2, 4096),
                   recorded("openmpi", "tcp", "bw", 2, 4096))
        self.assertEqual(rows["4 KiB"][4], "%.2f" % (tern / best))
        self.assertNotIn("0 B", rows)  # bw starts at 1 byte

    def test_direction_is_stated(self):
        lat = section(self.md, "latency — TCP, 2 ranks")
        self.assertIn("**lower is better**", lat)
        self.assertIn("below 1 means Tern is ahead", lat)
        bw = section(self.md, "bw — TCP, 2 ranks")
        self.assertIn("**higher is better**", bw)
        self.assertIn("above 1 means Tern is ahead", bw)

    def test_implementation_not_run_shows_dashes_and_why(self):
        rows = table_rows(self.md, "latency — shared memory, 2 ranks")
        self.assertEqual(rows["0 B"][1], "—")
        self.assertEqual(rows["0 B"][4], "—")
        self.assertEqual(rows["0 B"][2], br.fmt_value(recorded("mpich", "shm", "latency", 2, 0)))
        self.assertIn("- Tern: not run: provider shm is not usable",
                      section(self.md, "latency — shared memory, 2 ranks"))

    def test_finalize_hang_is_reported_and_figures_kept(self):
        text = section(self.md, "Alltoall — TCP, 2 ranks")
        self.assertIn("- MPICH: finalize-hang", text)
        rows = table_rows(self.md, "Alltoall — TCP, 2 ranks")
        self.assertNotEqual(rows["64 B"][2], "—")

    def test_startup_has_one_table_with_a_row_per_process_count(self):
        rows = table_rows(self.md, "startup — TCP")
        self.assertEqual(rows["ranks"][0], "ranks")
        self.assertEqual([k for k in rows if k.isdigit()], ["2", "4", "8"])
        tern = recorded("tern", "tcp", "startup", 8, 8)
        self.assertEqual(rows["8"][1], br.fmt_value(tern))
        self.assertNotIn("### startup — TCP, 2 ranks", self.md)

    def test_rss_table_gives_the_largest_rank_in_mib(self):
        with open(os.path.join(DATA, "rss.csv")) as f:
            kib = [int(r["kib"]) for r in csv.DictReader(l for l in f if not l.startswith("#"))
                   if (r["impl"], r["transport"], r["bench"]) == ("openmpi", "tcp", "latency")]
        rows = {}
        for line in self.md.split("## Peak RSS per rank")[1].splitlines():
            if line.startswith("| tcp | latency |"):
                rows = [c.strip() for c in line.strip("|").split("|")]
        self.assertEqual(rows[5], "%.1f" % (max(kib) / 1024.0))

    def test_every_table_has_its_own_file(self):
        for name in ("tcp-latency-np2.md", "shm-bw-np2.md", "tcp-startup.md",
                     "tcp-Allreduce-np2.md"):
            path = os.path.join(self.out, "tables", name)
            self.assertTrue(os.path.exists(path), name)
        with open(os.path.join(self.out, "tables", "tcp-latency-np2.md")) as f:
            self.assertIn("| size | Tern | MPICH | Open MPI | Tern / best |", f.read())

    def test_plot_data_leaves_out_size_zero(self):
        with open(os.path.join(self.out, "plots", "tcp-latency-np2.dat")) as f:
            blocks = f.read().split("\n\n\n")
        self.assertEqual(len(blocks), 3)
        for block in blocks:
            sizes = [int(l.split()[0]) for l in block.splitlines() if l and l[0] != "#"]
            self.assertTrue(sizes and 0 not in sizes)
        with open(os.path.join(self.out, "plots", "tcp-latency-np2.gp")) as f:
            gp = f.read()
        self.assertIn("set logscale x 2", gp)
        self.assertIn("title 'Open MPI'", gp)

    @unittest.skipUnless(shutil.which("gnuplot"), "gnuplot is not installed")
    def test_png_plots_are_made_and_linked(self):
        png = os.path.join(self.out, "plots", "tcp-bw-np2.png")
        with open(png, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertIn("](plots/tcp-bw-np2.png)", self.md)


class ReportEdgeCases(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="bench-report-test.")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, results, runs=(), meta=None):
        with open(os.path.join(self.tmp, "results.csv"), "w") as f:
            f.write("impl,transport,bench,np,size,round,value\n")
            f.writelines(",".join(map(str, r)) + "\n" for r in results)
        with open(os.path.join(self.tmp, "runs.csv"), "w") as f:
            f.write("impl,transport,bench,np,round,status,detail,seconds,command\n")
            f.writelines(",".join(map(str, r)) + "\n" for r in runs)
        if meta is not None:
            with open(os.path.join(self.tmp, "meta.json"), "w") as f:
                json.dump(meta, f)
        with open(br.write_report(self.tmp)) as f:
            return f.read()

    def test_figure_is_the_median_of_rounds(self):
        md = self.write([("tern", "tcp", "latency", 2, 8, 1, 1.0),
                         ("tern", "tcp", "latency", 2, 8, 2, 5.0),
                         ("tern", "tcp", "latency", 2, 8, 3, 2.0),
                         ("mpich", "tcp", "latency", 2, 8, 1, 4.0)])
        rows = table_rows(md, "latency — TCP, 2 ranks")
        self.assertEqual(rows["8 B"][1:], ["2.00", "4.00", "0.50"])

    def test_missing_tern_is_said_in_every_table(self):
        meta = {"impls": {"tern": {"status": "missing", "detail": "no /x/bin/mpicc"},
                          "mpich": {"status": "ok"}, "openmpi": {"status": "ok"}},
                "transports": {"tcp": {"tern": "not run: missing", "mpich": "`mpiexec.hydra`",
                                       "openmpi": "`mpirun.openmpi`"}}}
        md = self.write([("mpich", "tcp", "latency", 2, 1, 1, 3.0),
                         ("openmpi", "tcp", "latency", 2, 1, 1, 4.0),
                         ("mpich", "tcp", "bw", 2, 1, 1, 30.0)], meta=meta)
        self.assertIn("| Tern | missing: no /x/bin/mpicc |", md)
        for heading in ("latency — TCP, 2 ranks", "bw — TCP, 2 ranks"):
            self.assertIn("- Tern: not run: missing — no /x/bin/mpicc", section(md, heading))
        rows = table_rows(md, "latency — TCP, 2 ranks")
        self.assertEqual(rows["1 B"][1:], ["—", "3.00", "4.00", "—"])

    def test_failed_run_is_listed_under_its_table(self):
        md = self.write([("mpich", "tcp", "latency", 2, 1, 1, 3.0)],
                        runs=[("openmpi", "tcp", "latency", 2, 1, "failed", "exit 1: boom", 0.5,
                               "x")])
        self.assertIn("- Open MPI: failed: exit 1: boom", section(md, "latency — TCP, 2 ranks"))

    def test_formatting(self):
        self.assertEqual(br.fmt_size(0), "0 B")
        self.assertEqual(br.fmt_size(1536), "1536 B")
        self.assertEqual(br.fmt_size(4 << 20), "4 MiB")
        self.assertEqual(br.fmt_value(None), "—")
        self.assertEqual(br.fmt_value(0.1234), "0.123")
        self.assertEqual(br.fmt_value(12.34), "12.3")
        self.assertEqual(br.fmt_value(12345.6), "12346")
        self.assertIsNone(br.ratio(None, [1.0], False))
        self.assertIsNone(br.ratio(1.0, [None], True))
        self.assertEqual(br.ratio(2.0, [4.0, 8.0], False), 0.5)
        self.assertEqual(br.ratio(2.0, [4.0, 8.0], True), 0.25)


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    bad = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - bad - len(result.skipped), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
