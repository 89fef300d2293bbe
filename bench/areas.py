"""Address resolver benchmark: anxin.areas vs the PyPI packages cpca, jionlp and cnloc.

    .venv/bin/python bench/areas.py [--runs 5] [--json] [--tools anxin,cnloc] [--set all|external]

Cases: the hand-written list of real-world forms in anxin/areas/tests/cases.tsv (the tests use the same file),
plus a generated set, "official paths": every current county written as province+prefecture+county names.
The generated set is built from our own data, so it favours us; it is there to show breadth, not to rank.
Issue #14 adds the held-out set anxin/areas/tests/heldout.tsv (2,647 strings built mechanically from the
official county, township and change lists by tests/build_heldout.py, frozen before tuning: cut-off prefixes,
historical parents and names, townships) and the tuning set tests/tuning.tsv (our own cases, tuned on).

Per tool it reports
* county accuracy: cases whose expected answer has a county, answered with exactly that county code
  (a package that answers with an older code of the same county, e.g. 350427 for 沙县区, is counted right);
* wrong places on noise: non-place strings ("万元以上", "东区", "南京路100号"…) answered with any division;
* committed on ambiguous: ambiguous names ("朝阳区") answered with a single county, i.e. a guess;
* strings/s on one core (the process is pinned to one CPU; median of --runs runs; cpca is given its batch API,
  which is its fast path, the others are called once per string);
* load time: a fresh interpreter importing the tool and answering one string (median of --runs), and for
  anxin the division data alone (tree.load_tree);
* on the held-out and tuning sets (score_lists): county accuracy, wrong places (a county that is not the
  expected one), committed on ambiguous, answers given as "ambiguous", and 9-digit township accuracy.

With --set external it scores only the external held-out set, bench/data/areas/external_heldout.tsv: address strings
written by other people (cpca's and jionlp's repositories), labelled by exact official names, frozen before any tool
ran on it (see bench/data/areas/SOURCE.md). The strings are read back from git snapshots of those repositories
(--mirror) and checked against the hashes in the index; lines marked unlabelled are counted, never scored.

Needs the dev dependencies (pip install -e .[dev]); nothing is downloaded at run time.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxin.settings_test")

from anxin.areas.resolver import resolve  # noqa: E402
from anxin.areas.tests.cases import HELDOUT_FILE, TUNING_FILE, Case, load_cases, load_code_cases  # noqa: E402
from anxin.areas.tree import PREFECTURE, PROVINCE, DivisionTree, get_tree  # noqa: E402

# (county code or "", answered with any place at all, township code or "", answered "ambiguous")
Answer = tuple[str, bool, str, bool]

LOAD_SNIPPETS = {
    "anxin (data only)": "from anxin.areas.tree import load_tree; load_tree()",
    "anxin": "from anxin.areas.resolver import resolve; resolve('北京市朝阳区建国路88号')",
    "cpca": "import cpca; cpca.transform(['北京市朝阳区建国路88号'])",
    "jionlp": "import jionlp; jionlp.parse_location('北京市朝阳区建国路88号')",
    "cnloc": "import cnloc; cnloc.getlocation('北京市朝阳区建国路88号')",
}


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


# -- adapters: each returns one Answer per input string ---------------------------------------------------------
def anxin_answers(texts: list[str]) -> list[Answer]:
    out = []
    for text in texts:
        r = resolve(text)
        ok = r.status == "ok"
        out.append((r.county_code if ok else "", ok, r.township_code if ok else "", r.status == "ambiguous"))
    return out


def _county_from_code(tree: DivisionTree, code: str) -> str:
    division = tree.get(code)
    if division is None:
        return ""
    return division.code if division.acts_as_county else ""


def cpca_answers(texts: list[str]) -> list[Answer]:
    import cpca

    tree = get_tree()
    frame = cpca.transform(texts)
    out = []
    for adcode in frame["adcode"].tolist():
        code = adcode if isinstance(adcode, str) and adcode.isdigit() else ""
        out.append((_county_from_code(tree, code) if code else "", bool(code), "", False))
    return out


def cnloc_answers(texts: list[str]) -> list[Answer]:
    import cnloc

    tree = get_tree()
    frame = cnloc.getlocation(list(texts))
    out = []
    for row in frame[["province_id", "city_id", "county_id"]].itertuples(index=False):
        codes = [str(int(float(v))) if v == v and v not in (None, "") else "" for v in row]
        county = _county_from_code(tree, codes[2]) if codes[2] else ""
        if not county and codes[1]:  # county-less prefecture cities (东莞) are their own county
            county = _county_from_code(tree, codes[1])
        out.append((county, any(codes), "", False))
    return out


def _child_named(tree: DivisionTree, parent: str, name: str) -> str:
    for code in tree.children.get(parent, []):
        if tree.by_code[code].name == name:
            return code
    for _old_code, old_name, new_code in tree.old_names:  # jionlp's names may predate a rename
        if old_name == name and new_code in tree.by_code and tree.is_within(new_code, parent):
            return new_code
    return ""


def jionlp_code(tree: DivisionTree, parsed: dict) -> tuple[str, str]:
    """(county code, deepest code) from jionlp's province/city/county names."""
    province = next((d.code for d in tree.of_level(PROVINCE) if d.name == parsed.get("province")), "")
    if not province:
        return "", ""
    deepest = province
    city = parsed.get("city")
    if city and city != tree.by_code[province].name:
        deepest = _child_named(tree, province, city) or deepest
    county = parsed.get("county")
    if county:
        found = _child_named(tree, deepest, county) or _child_named(tree, province, county)
        deepest = found or deepest
    if tree.by_code[deepest].level == PREFECTURE and not tree.by_code[deepest].acts_as_county:
        return "", deepest
    return (deepest if tree.by_code[deepest].acts_as_county else ""), deepest


def jionlp_answers(texts: list[str]) -> list[Answer]:
    import jionlp

    tree = get_tree()
    out = []
    for text in texts:
        try:
            parsed = jionlp.parse_location(text)
        except Exception:  # jionlp raises on some inputs (empty, digits); count as no answer
            out.append(("", False, "", False))
            continue
        county, deepest = jionlp_code(tree, parsed)
        out.append((county, bool(deepest), "", False))
    return out


TOOLS: dict[str, Callable[[list[str]], list[Answer]]] = {
    "anxin": anxin_answers,
    "cpca 0.5.5": cpca_answers,
    "jionlp 1.5.31": jionlp_answers,
    "cnloc 0.1.7": cnloc_answers,
}


# -- scoring ---------------------------------------------------------------------------------------------------
def generated_cases() -> list[Case]:
    tree = get_tree()
    cases = []
    for d in sorted(tree.by_code.values()):
        if d.level == 3 and not d.statistical:
            text = "".join(x.name for x in tree.chain(d.code))
            cases.append(Case(text, "generated", "ok", (d.code,), None))
    return cases


def score(cases: list[Case], answers: list[Answer]) -> dict[str, float | int]:
    tree = get_tree()
    county_total = county_right = noise_total = noise_wrong = amb_total = amb_committed = 0
    for case, (county, answered, _township, _ambiguous) in zip(cases, answers, strict=True):
        if case.status == "ok" and case.expected_county(tree):
            county_total += 1
            county_right += county == case.expected_county(tree)
        elif case.status == "none":
            noise_total += 1
            noise_wrong += answered
        elif case.status == "ambiguous":
            amb_total += 1
            amb_committed += bool(county)
    return {
        "county_cases": county_total,
        "county_accuracy": county_right / county_total if county_total else 0.0,
        "noise_cases": noise_total,
        "noise_wrong_places": noise_wrong,
        "ambiguous_cases": amb_total,
        "ambiguous_committed": amb_committed,
    }


def score_lists(cases: list[Case], answers: list[Answer]) -> dict[str, float | int]:
    """Scores for the held-out and tuning sets, where every line names a place (no noise lines).

    * county: lines whose expected division has one county (ok lines, and ambiguous townships of one county),
      answered with exactly that county code;
    * wrong: a county answered that is not the expected one (for ambiguous lines: one outside the candidates);
    * committed: an ambiguous line answered with one of its candidates (a guess);
    * township: ok lines expecting a township, answered with exactly that 9-digit code.
    """
    tree = get_tree()
    totals = dict.fromkeys(
        (
            "county_cases",
            "county_right",
            "wrong",
            "ambiguous_cases",
            "committed",
            "township_cases",
            "township_right",
            "answered_ambiguous",
        ),
        0,
    )
    for case, (county, _answered, township, ambiguous) in zip(cases, answers, strict=True):
        totals["answered_ambiguous"] += ambiguous
        counties = {tree.county_of(c) for c in case.codes}
        expected_county = next(iter(counties)) if len(counties) == 1 else ""
        if expected_county:
            totals["county_cases"] += 1
            totals["county_right"] += county == expected_county
            totals["wrong"] += bool(county) and county != expected_county
        if case.status == "ambiguous" and not expected_county:
            totals["ambiguous_cases"] += 1
            totals["committed"] += county in counties
            totals["wrong"] += bool(county) and county not in counties
        if case.status == "ok" and case.expected_township(tree):
            totals["township_cases"] += 1
            totals["township_right"] += township == case.code
    result: dict[str, float | int] = dict(totals)
    result["county_accuracy"] = (
        totals["county_right"] / totals["county_cases"] if totals["county_cases"] else 0.0
    )
    result["township_accuracy"] = (
        totals["township_right"] / totals["township_cases"] if totals["township_cases"] else 0.0
    )
    return result


EXTERNAL_FILE = ROOT / "bench" / "data" / "areas" / "external_heldout.tsv"
_LITERAL = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")


def _candidates(line: str) -> list[str]:
    """The strings a source line may hold: its first CSV field, and every quoted literal on it."""
    found = [next(csv.reader([line]), [""])[0].strip()] if line else []
    found += [a or b for a, b in _LITERAL.findall(line)]
    return found


def load_external(mirror: Path, path: Path = EXTERNAL_FILE) -> tuple[list[Case], dict[str, int]]:
    """The labelled lines of the external held-out set, texts read from the snapshots; and unlabelled counts."""
    files: dict[tuple[str, str, str], list[str]] = {}
    cases: list[Case] = []
    unlabelled: dict[str, int] = {}
    for row in path.read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        repo, commit, file_path, lineno, sha1, expected, kind, _via = row.split("\t")
        if expected.startswith("unlabelled:"):
            unlabelled[expected] = unlabelled.get(expected, 0) + 1
            continue
        key = (repo, commit, file_path)
        if key not in files:
            git_dir = mirror / repo.replace("/", "+") / "repo"
            if not git_dir.is_dir():
                sys.exit(
                    f"no snapshot of {repo} at {git_dir}: fetch it, or pass --mirror (bench/data/areas/SOURCE.md)"
                )
            shown = subprocess.run(
                ["git", "--git-dir", str(git_dir), "show", f"{commit}:{file_path}"],
                capture_output=True,
                text=True,
                check=True,
            )
            files[key] = shown.stdout.splitlines()
        line = files[key][int(lineno) - 1]
        texts = [t for t in _candidates(line) if hashlib.sha1(t.encode("utf-8")).hexdigest()[:12] == sha1]
        if not texts:
            sys.exit(f"{repo}:{file_path}:{lineno}: no string with SHA-1 {sha1} (wrong snapshot?)")
        status, codes = expected.split(":", 1)
        cases.append(Case(texts[0], kind, status, tuple(codes.split("|")), None))
    return cases, unlabelled


def expected_paths(tree: DivisionTree, case: Case) -> str:
    return " | ".join(tree.name_path(c) for c in case.codes)


def run_external(tools: dict[str, Callable[[list[str]], list[Answer]]], mirror: Path) -> dict:
    tree = get_tree()
    cases, unlabelled = load_external(mirror)
    texts = [c.text for c in cases]
    report: dict = {
        "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "load_avg": os.getloadavg()},
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "external_cases": len(cases),
        "unlabelled": unlabelled,
        "tools": {},
    }
    for name, tool in tools.items():
        answers = tool(texts)
        entry: dict[str, Any] = {
            "external": score_lists(cases, answers),
            "by_kind": {
                kind: score_lists([cases[i] for i in idx], [answers[i] for i in idx])
                for kind in sorted({c.kind for c in cases})
                for idx in [[i for i, c in enumerate(cases) if c.kind == kind]]
            },
            "wrong_places": [],
            "committed": [],
            "missed": [],
        }
        for case, (county, _answered, _township, _ambiguous) in zip(cases, answers, strict=True):
            counties = {tree.county_of(c) for c in case.codes}
            if county and county not in counties:
                expected = expected_paths(tree, case)
                entry["wrong_places"].append((case.kind, case.text, expected, tree.name_path(county)))
            elif county and len(counties) > 1:
                entry["committed"].append(
                    (case.kind, case.text, expected_paths(tree, case), tree.name_path(county))
                )
            elif not county and len(counties) == 1:
                entry["missed"].append((case.kind, case.text, expected_paths(tree, case), ""))
        report["tools"][name] = entry
    report["machine"]["load_avg_after"] = os.getloadavg()
    return report


def print_external(report: dict) -> None:
    print(f"{report['date']}  nproc={report['machine']['nproc']}  cpu={report['machine']['cpu']}")
    print(f"load avg before {report['machine']['load_avg']}, after {report['machine']['load_avg_after']}")
    left_out = sum(report["unlabelled"].values())
    print(
        f"\nExternal held-out set: {report['external_cases']} labelled strings; {left_out} unlabelled left out"
    )
    print(", ".join(f"{k}: {v}" for k, v in sorted(report["unlabelled"].items())) + "\n")
    print(
        "| tool | set | county accuracy | wrong places | committed on ambiguous | answered ambiguous "
        "| township accuracy |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, entry in report["tools"].items():
        for label, sc in [("external", entry["external"]), *entry["by_kind"].items()]:
            township = (
                f"{sc['township_accuracy']:.1%} ({sc['township_cases']})" if sc["township_cases"] else "–"
            )
            print(
                f"| {name} | {label} | {sc['county_accuracy']:.1%} ({sc['county_cases']}) | {sc['wrong']} "
                f"| {sc['committed']}/{sc['ambiguous_cases']} | {sc['answered_ambiguous']} | {township} |"
            )
    for name, entry in report["tools"].items():
        print(f"\nWrong places, {name} ({len(entry['wrong_places'])}):")
        for kind, text, expected, got in entry["wrong_places"]:
            print(f"- [{kind}] {text} → {got} (expected {expected})")
    anxin = report["tools"].get("anxin")
    if anxin:
        for title, rows in (("committed on ambiguous", anxin["committed"]), ("no county", anxin["missed"])):
            print(f"\nanxin, {title} ({len(rows)}):")
            for kind, text, expected, got in rows:
                print(f"- [{kind}] {text} → {got or '(no county)'} (expected {expected})")


def throughput(tool: Callable[[list[str]], list[Answer]], texts: list[str], runs: int) -> float:
    tool(texts)  # warm-up: imports, lazy indexes
    rates = []
    for _ in range(runs):
        batch = texts * max(1, 3000 // len(texts))
        start = time.perf_counter()
        tool(batch)
        rates.append(len(batch) / (time.perf_counter() - start))
    return statistics.median(rates)


def load_time(snippet: str, runs: int) -> float:
    timings = []
    code = f"import time; t = time.perf_counter(); {snippet}; print(time.perf_counter() - t)"
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, env=os.environ
        )
        timings.append(float(result.stdout.strip().splitlines()[-1]))
    return statistics.median(timings)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated tool names (prefixes)")
    parser.add_argument("--set", choices=("all", "external"), default="all", help="external: that set alone")
    parser.add_argument(
        "--mirror", type=Path, default=Path("/work/.mirror"), help="git snapshots of the sources"
    )
    args = parser.parse_args()
    pin_to_one_core()
    if args.set == "external":
        wanted = [w.strip() for w in args.tools.split(",") if w.strip()]
        tools = {name: tool for name, tool in TOOLS.items() if any(name.startswith(w) for w in wanted)}
        report = run_external(tools, args.mirror)
        if args.json:
            print(json.dumps(report, ensure_ascii=False, indent=1))
        else:
            print_external(report)
        return
    cases = load_cases()
    generated = generated_cases()
    heldout = load_code_cases(HELDOUT_FILE)
    tuning = load_cases(TUNING_FILE)
    wanted = [w.strip() for w in args.tools.split(",") if w.strip()]
    tools = {name: tool for name, tool in TOOLS.items() if any(name.startswith(w) for w in wanted)}
    report = {
        "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "load_avg": os.getloadavg()},
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cases": len(cases),
        "generated_cases": len(generated),
        "heldout_cases": len(heldout),
        "tuning_cases": len(tuning),
        "tools": {},
    }
    for name, tool in tools.items():
        entry = {
            "hand_written": score(cases, tool([c.text for c in cases])),
            "official_paths": score(generated, tool([c.text for c in generated])),
            "heldout": score_lists(heldout, tool([c.text for c in heldout])),
            "heldout_by_kind": {
                kind: score_lists(subset, tool([c.text for c in subset]))
                for kind in sorted({c.kind for c in heldout})
                for subset in [[c for c in heldout if c.kind == kind]]
            },
            "tuning": score_lists(tuning, tool([c.text for c in tuning])) if tuning else {},
            "strings_per_s": throughput(tool, [c.text for c in cases], args.runs),
        }
        report["tools"][name] = entry
    report["load_s"] = {
        name: load_time(snippet, args.runs)
        for name, snippet in LOAD_SNIPPETS.items()
        if any(name.startswith(w) for w in wanted)
    }
    report["machine"]["load_avg_after"] = os.getloadavg()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    print(f"{report['date']}  nproc={report['machine']['nproc']}  cpu={report['machine']['cpu']}")
    print(f"load avg before {report['machine']['load_avg']}, after {report['machine']['load_avg_after']}")
    print(
        f"{len(cases)} hand-written cases, {len(generated)} generated official paths; median of {args.runs} runs\n"
    )
    print(
        "| tool | county accuracy (hand-written) | wrong places on noise | committed on ambiguous "
        "| county accuracy (official paths) | strings/s, one core |"
    )
    print("|---|---|---|---|---|---|")
    for name, entry in report["tools"].items():
        hw, gen = entry["hand_written"], entry["official_paths"]
        print(
            f"| {name} | {hw['county_accuracy']:.1%} ({hw['county_cases']}) "
            f"| {hw['noise_wrong_places']}/{hw['noise_cases']} | {hw['ambiguous_committed']}/{hw['ambiguous_cases']} "
            f"| {gen['county_accuracy']:.1%} ({gen['county_cases']}) | {entry['strings_per_s']:,.0f} |"
        )
    print(
        f"\nHeld-out set ({len(heldout)} strings, frozen before tuning) and tuning set ({len(tuning)} strings)\n"
    )
    print(
        "| tool | set | county accuracy | wrong places | committed on ambiguous | answered ambiguous "
        "| township accuracy |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, entry in report["tools"].items():
        sets = [("held-out", entry["heldout"])]
        sets += [(f"held-out: {k}", v) for k, v in entry["heldout_by_kind"].items()]
        if entry["tuning"]:
            sets.append(("tuning", entry["tuning"]))
        for label, sc in sets:
            township = (
                f"{sc['township_accuracy']:.1%} ({sc['township_cases']})" if sc["township_cases"] else "–"
            )
            print(
                f"| {name} | {label} | {sc['county_accuracy']:.1%} ({sc['county_cases']}) | {sc['wrong']} "
                f"| {sc['committed']}/{sc['ambiguous_cases']} | {sc['answered_ambiguous']} | {township} |"
            )
    print("\n| load (fresh interpreter, first answer) | seconds |\n|---|---|")
    for name, seconds in report["load_s"].items():
        print(f"| {name} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
