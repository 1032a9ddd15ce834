"""Tables and plots for scripts/bench-compare, from the files it records.

A results folder holds:
  results.csv  impl,transport,bench,np,size,round,value   one figure per line
  rss.csv      impl,transport,bench,np,round,rank,kib     peak RSS of each rank
  runs.csv     impl,transport,bench,np,round,status,detail every run tried
  meta.json    machine, implementations (status, version), how each was run
Lines of the CSV files that start with '#' are comments.

write_report(folder) reads them and writes report.md (every table, the notes
and the plot links), tables/*.md (one table per benchmark, transport and
process count) and, when gnuplot is installed, plots/*.png with the
gnuplot scripts and data that made them. Standard library only.
"""

import csv
import json
import os
import shutil
import statistics
import subprocess

IMPLS = [("tern", "Tern"), ("mpich", "MPICH"), ("openmpi", "Open MPI")]
IMPL_NAME = dict(IMPLS)
TRANSPORT_NAME = {"shm": "shared memory", "tcp": "TCP", "ofi": "libfabric"}

# bench -> (what, unit, higher is better, x axis)
LOWER, HIGHER = False, True
BENCHES = {
    "latency": ("one-way latency (ping-pong)", "µs", LOWER, "size"),
    "bw": ("unidirectional bandwidth", "MB/s", HIGHER, "size"),
    "bibw": ("bidirectional bandwidth", "MB/s", HIGHER, "size"),
    "msgrate": ("message rate", "messages/s", HIGHER, "size"),
    "startup": ("startup: wall time of `mpirun -np N` of an empty program", "s", LOWER, "np"),
}
COLLS = ["Barrier", "Bcast", "Reduce", "Allreduce", "Allgather", "Alltoall", "Gather"]
for _c in COLLS:
    BENCHES[_c] = ("MPI_%s latency" % _c, "µs", LOWER, "size")
BENCH_ORDER = ["latency", "bw", "bibw", "msgrate"] + COLLS + ["startup"]
TRANSPORT_ORDER = ["shm", "tcp", "ofi"]


def _rows(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def load(folder):
    """The recorded runs of one folder, as plain dicts and lists."""
    meta = {}
    if os.path.exists(os.path.join(folder, "meta.json")):
        with open(os.path.join(folder, "meta.json")) as f:
            meta = json.load(f)
    results = [dict(r, np=int(r["np"]), size=int(r["size"]), round=int(r["round"]),
                    value=float(r["value"]))
               for r in _rows(os.path.join(folder, "results.csv"))]
    rss = [dict(r, np=int(r["np"]), round=int(r["round"]), rank=int(r["rank"]), kib=int(r["kib"]))
           for r in _rows(os.path.join(folder, "rss.csv"))]
    runs = [dict(r, np=int(r["np"]), round=int(r["round"]))
            for r in _rows(os.path.join(folder, "runs.csv"))]
    return {"meta": meta, "results": results, "rss": rss, "runs": runs}


def impls_of(data):
    """The implementations to show: those in meta.json, else those in the data."""
    listed = data["meta"].get("impls")
    keys = set(listed) if listed else {r["impl"] for r in data["results"] + data["runs"]}
    return [k for k, _ in IMPLS if k in keys]


def _order(key, order):
    return order.index(key) if key in order else len(order)


def key_of(r):
    """The table a record belongs to: startup has one table per transport, its
    rows being the process counts; the others one per process count."""
    return (r["transport"], r["bench"], 0 if r["bench"] == "startup" else r["np"])


def figures(data):
    """{(transport, bench, np): {size: {impl: median over rounds}}}"""
    acc = {}
    for r in data["results"]:
        cell = acc.setdefault(key_of(r), {})
        cell.setdefault(r["size"], {}).setdefault(r["impl"], []).append(r["value"])
    out = {}
    for key, sizes in acc.items():
        out[key] = {s: {i: statistics.median(v) for i, v in per.items()}
                    for s, per in sizes.items()}
    return out


def ratio(tern, others, higher_better):
    """Tern's figure over the best other one, or None if either is missing."""
    others = [v for v in others if v is not None]
    if tern is None or not others:
        return None
    best = max(others) if higher_better else min(others)
    if best == 0:
        return None
    return tern / best


def fmt_value(v):
    if v is None:
        return "—"
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.3f" % v


def fmt_size(n):
    for unit, shift in (("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return "%d %s" % (n >> shift, unit)
    return "%d B" % n


def title(transport, bench, np):
    t = "%s — %s" % (bench, TRANSPORT_NAME.get(transport, transport))
    return t + (", %d ranks" % np if np else "")


def direction_note(bench, impls):
    what, unit, higher, _ = BENCHES.get(bench, (bench, "", LOWER, "size"))
    better = "higher" if higher else "lower"
    others = " and ".join(IMPL_NAME[k] for k in impls if k != "tern") or "the others"
    side = "above" if higher else "below"
    return ("%s in %s: **%s is better**. *Tern / best* is Tern's figure divided by the best "
            "of %s: %s 1 means Tern is ahead." % (what[0].upper() + what[1:], unit, better,
                                                   others, side))


def table(data, transport, bench, np, figs=None):
    """One Markdown table (without heading) for a benchmark run."""
    figs = figs if figs is not None else figures(data)
    impls = impls_of(data)
    higher = BENCHES.get(bench, ("", "", LOWER, ""))[2]
    rows = figs.get((transport, bench, np), {})
    xname = "ranks" if bench == "startup" else "size"
    head = [xname] + [IMPL_NAME[k] for k in impls] + ["Tern / best"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for size in sorted(rows):
        per = rows[size]
        vals = [per.get(k) for k in impls]
        r = ratio(per.get("tern"), [per.get(k) for k in impls if k != "tern"], higher)
        x = str(size) if bench == "startup" else fmt_size(size)
        lines.append("| " + " | ".join([x] + [fmt_value(v) for v in vals] +
                                       ["—" if r is None else "%.2f" % r]) + " |")
    return "\n".join(lines) + "\n"


def problems(data, transport, bench, np):
    """One line per implementation that is missing from this table or whose
    runs for it did not all succeed."""
    seen, out = set(), []
    meta = data["meta"]
    for k in impls_of(data):
        why = meta.get("transports", {}).get(transport, {}).get(k, "")
        if why.startswith("not run:"):
            detail = meta.get("impls", {}).get(k, {}).get("detail", "")
            seen.add(k)
            out.append("- %s: %s%s" % (IMPL_NAME[k], why, " — " + detail if detail and
                                       meta["impls"][k].get("status") != "ok" else ""))
    for r in data["runs"]:
        if key_of(r) != (transport, bench, np) or r["status"] == "ok":
            continue
        if r["impl"] in seen:
            continue
        seen.add(r["impl"])
        out.append("- %s: %s%s" % (IMPL_NAME.get(r["impl"], r["impl"]), r["status"],
                                   ": " + r["detail"] if r["detail"] else ""))
    return out


def table_keys(data):
    keys = {key_of(r) for r in data["results"] + data["runs"]}
    return sorted(keys, key=lambda k: (_order(k[0], TRANSPORT_ORDER),
                                       _order(k[1], BENCH_ORDER), k[1], k[2]))


def slug(transport, bench, np):
    return "%s-%s" % (transport, bench) + ("-np%d" % np if np else "")


def rss_table(data):
    """Peak RSS per rank, MiB: the largest rank, per benchmark and implementation."""
    impls = impls_of(data)
    acc = {}
    for r in data["rss"]:
        key = (r["transport"], r["bench"], r["np"])
        acc.setdefault(key, {}).setdefault(r["impl"], []).append(r["kib"])
    if not acc:
        return ""
    head = ["transport", "benchmark", "ranks"] + [IMPL_NAME[k] for k in impls]
    lines = ["| " + " | ".join(head) + " |", "|---|---|---:|" + "---:|" * len(impls)]
    for key in sorted(acc, key=lambda k: (_order(k[0], TRANSPORT_ORDER),
                                          _order(k[1], BENCH_ORDER), k[1], k[2])):
        cells = []
        for k in impls:
            v = acc[key].get(k)
            cells.append("%.1f" % (max(v) / 1024.0) if v else "—")
        lines.append("| " + " | ".join([key[0], key[1], str(key[2])] + cells) + " |")
    return "\n".join(lines) + "\n"


# ---- plots -----------------------------------------------------------------

def _gp_quote(s):
    return "'" + s.replace("'", "''") + "'"


def plot_script(data, transport, bench, np, figs, png, dat):
    """The gnuplot script and data text for one plot, or None when there is
    nothing to draw (fewer than two positive points for every implementation)."""
    what, unit, higher, xaxis = BENCHES.get(bench, (bench, "", LOWER, "size"))
    rows = figs.get((transport, bench, np), {})
    blocks, names = [], []
    for k in impls_of(data):
        pts = [(x, rows[x][k]) for x in sorted(rows) if k in rows[x] and x > 0 and rows[x][k] > 0]
        if len(pts) < 2:
            continue
        blocks.append("# %s\n" % IMPL_NAME[k] + "".join("%d %.9g\n" % p for p in pts))
        names.append(IMPL_NAME[k])
    if not blocks:
        return None
    gp = ["set terminal pngcairo size 900,560 font ',10'" if _has_cairo() else
          "set terminal png size 900,560",
          "set output %s" % _gp_quote(png),
          "set title %s noenhanced" % _gp_quote(title(transport, bench, np)),
          "set grid",
          "set key top left noenhanced",
          "set logscale y",
          "set ylabel %s" % _gp_quote("%s (%s, %s is better)" % (
              what.split(":")[0], unit.replace("µs", "us"), "higher" if higher else "lower"))]
    if xaxis == "size":
        gp += ["set logscale x 2", "set format x '%.0b%B'", "set xlabel 'message size (bytes)'"]
    else:
        xs = [x for x in sorted(rows) if x > 0]
        gp += ["set logscale x 2", "set xlabel 'ranks'", "set xrange [%g:%g]" % (xs[0] / 1.2,
                                                                                 xs[-1] * 1.2),
               "set xtics (%s)" % ", ".join(str(x) for x in xs)]
    # Fixed colours, so that an implementation looks the same in every plot.
    styles = {"Tern": "lw 2 pt 7 lc rgb '#8e24aa'", "MPICH": "lw 1.5 pt 5 lc rgb '#009e73'",
              "Open MPI": "lw 1.5 pt 9 lc rgb '#1f77b4'"}
    plots = ["%s index %d with linespoints %s title %s" % (_gp_quote(dat) if i == 0 else "''", i,
                                                           styles.get(n, ""), _gp_quote(n))
             for i, n in enumerate(names)]
    gp.append("plot " + ", \\\n     ".join(plots))
    return "\n".join(gp) + "\n", "\n\n".join(blocks)


_cairo = None


def _has_cairo():
    global _cairo
    if _cairo is None:
        _cairo = False
        gnuplot = shutil.which("gnuplot")
        if gnuplot:
            try:
                out = subprocess.run([gnuplot, "-e", "set terminal"], capture_output=True,
                                     text=True, timeout=30)
                _cairo = "pngcairo" in out.stdout + out.stderr
            except (OSError, subprocess.SubprocessError):
                pass
    return _cairo


def write_plots(data, folder, figs):
    """Writes plots/*.gp and *.dat and runs gnuplot on them; returns
    ({table key: png path relative to folder}, note or None)."""
    pdir = os.path.join(folder, "plots")
    os.makedirs(pdir, exist_ok=True)
    gnuplot = shutil.which("gnuplot")
    made, failed = {}, []
    for key in table_keys(data):
        name = slug(*key)
        made_script = plot_script(data, *key, figs, name + ".png", name + ".dat")
        if not made_script:
            continue
        gp, dat = made_script
        with open(os.path.join(pdir, name + ".gp"), "w") as f:
            f.write(gp)
        with open(os.path.join(pdir, name + ".dat"), "w") as f:
            f.write(dat)
        if not gnuplot:
            continue
        out = subprocess.run([gnuplot, name + ".gp"], cwd=pdir, capture_output=True, text=True)
        if out.returncode == 0 and os.path.exists(os.path.join(pdir, name + ".png")):
            made[key] = "plots/%s.png" % name
        else:
            failed.append("%s (%s)" % (name, (out.stderr.strip().splitlines() or ["?"])[-1]))
    note = None
    if not gnuplot:
        note = ("gnuplot is not installed (Debian: `apt-get install gnuplot-nox`): no PNG plots; "
                "the gnuplot scripts and data are in plots/.")
    elif failed:
        note = "gnuplot failed for: " + "; ".join(failed)
    return made, note


# ---- the report ------------------------------------------------------------

def _meta_section(data):
    meta, out = data["meta"], []
    if meta.get("command"):
        out.append("Command: `%s`" % meta["command"])
    if meta.get("machine"):
        out.append("Machine: %s" % meta["machine"])
    if meta.get("started"):
        out.append("Run: %s%s" % (meta["started"], ", quick mode" if meta.get("quick") else ""))
    if out:
        out = ["  \n".join(out), ""]
    impls = meta.get("impls", {})
    if impls:
        out += ["## Implementations", "", "| implementation | status | version |", "|---|---|---|"]
        for k in impls_of(data):
            i = impls.get(k, {})
            status = i.get("status", "?") + (": " + i["detail"] if i.get("detail") else "")
            out.append("| %s | %s | %s |" % (IMPL_NAME[k], status, i.get("version") or "—"))
        out.append("")
    how = meta.get("transports", {})
    if how:
        out += ["## How each implementation was run", "",
                "| transport | implementation | launcher and settings |", "|---|---|---|"]
        for t in sorted(how, key=lambda t: _order(t, TRANSPORT_ORDER)):
            for k in impls_of(data):
                if k in how[t]:
                    out.append("| %s | %s | %s |" % (TRANSPORT_NAME.get(t, t), IMPL_NAME[k],
                                                    how[t][k]))
        out.append("")
    for note in meta.get("notes", []):
        out.append("- " + note)
    if meta.get("notes"):
        out.append("")
    return out


def write_report(folder):
    """Writes report.md, tables/ and plots/ in folder; returns report.md's path."""
    data = load(folder)
    figs = figures(data)
    tdir = os.path.join(folder, "tables")
    os.makedirs(tdir, exist_ok=True)
    plots, plot_note = write_plots(data, folder, figs)

    md = ["# Tern vs MPICH vs Open MPI", ""]
    md += _meta_section(data)
    md += ["Each figure is the median over rounds of each program's own median of repetitions. "
           "Raw numbers: `results.csv` (figures), `rss.csv` (peak RSS per rank), "
           "`runs.csv` (every run and its outcome).", ""]
    if plot_note:
        md += ["Plots: " + plot_note, ""]
    current = None
    for key in table_keys(data):
        transport, bench, np = key
        if transport != current:
            md += ["## %s" % TRANSPORT_NAME.get(transport, transport), ""]
            current = transport
        body = table(data, transport, bench, np, figs)
        note = direction_note(bench, impls_of(data))
        probs = problems(data, transport, bench, np)
        with open(os.path.join(tdir, slug(*key) + ".md"), "w") as f:
            f.write("### %s\n\n%s\n\n%s" % (title(*key), note, body))
            if probs:
                f.write("\n" + "\n".join(probs) + "\n")
        md += ["### " + title(*key), "", note, "", body.rstrip("\n"), ""]
        if probs:
            md += probs + [""]
        if key in plots:
            md += ["![%s](%s)" % (title(*key), plots[key]), ""]
    rss = rss_table(data)
    if rss:
        md += ["## Peak RSS per rank", "",
               "VmHWM at the end of each benchmark, in MiB, of the largest rank (every rank's "
               "figure is in `rss.csv`); it includes the benchmark's own buffers, which are the "
               "same for every implementation. Lower is better.", "", rss.rstrip("\n"), ""]
    path = os.path.join(folder, "report.md")
    with open(path, "w") as f:
        f.write("\n".join(md))
    return path
