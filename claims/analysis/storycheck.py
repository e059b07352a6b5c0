"""Judge the engine on an annotated story (a folder of articles plus `gold.json`).

Used by `bench/accuracy.py` and the tests. The gold format: `rewrites` maps a derived file to
its original; each entry of `claims` has a `status`, `conflict_kinds` and `sentences` given as
[file, unique substring]; a statement no claim lists is a single-source claim of its own;
`boilerplate` lists lines that must not be statements. A story annotated twice, by two people
working apart, also has `second_annotation.json` (rewrites and claims): `annotation_analysis`
turns an annotation into the analysis it describes, so `score_story` also measures how far two
annotators agree.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

from claims.analysis.embed import Embedder
from claims.analysis.engine import analyze
from claims.analysis.status import independent_sources
from claims.analysis.types import (
    ArticleText,
    Claim,
    Conflict,
    Derivation,
    Segment,
    SentenceRef,
    StoryAnalysis,
)

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
GOLD = "gold.json"
SECOND_ANNOTATION = "second_annotation.json"


@dataclass(frozen=True)
class LoadedStory:
    names: list[str]  # file names, in article id order (id = position)
    articles: list[ArticleText]
    gold: dict[str, Any]


def find_annotated_stories(root: Path) -> dict[str, Path]:
    """The project's annotated stories: tests/fixtures/stories/* and the demo story."""
    found: dict[str, Path] = {}
    for gold in sorted((root / "tests" / "fixtures" / "stories").glob("*/gold.json")):
        found[gold.parent.name] = gold.parent
    if (root / "claims" / "demo_story" / "gold.json").exists():
        found["demo_story"] = root / "claims" / "demo_story"
    return found


def load_story(folder: Path, annotation: str = GOLD) -> LoadedStory:
    gold = json.loads((folder / annotation).read_text(encoding="utf-8"))
    article_dir = folder / "articles" if (folder / "articles").is_dir() else folder
    files = sorted(
        path
        for path in article_dir.iterdir()
        if path.suffix in ARTICLE_SUFFIXES and path.name.lower() != "readme.md"
    )
    articles = []
    for number, path in enumerate(files):
        body, published = read_article(path)
        articles.append(ArticleText(id=number, body=body, published=published, title=path.name))
    return LoadedStory([path.name for path in files], articles, gold)


def read_article(path: Path) -> tuple[str, date | None]:
    """The clean body and date, through the project's ingest parser when it is there."""
    try:  # the ingest module is the Django app's, so it is looked up, not imported
        ingest = importlib.import_module("claims.ingest")
    except ImportError:  # pragma: no cover - the parser is part of the project
        return _simple_body(path.read_text(encoding="utf-8")), None
    parsed = ingest.parse_path(path)
    published: date | None = parsed.published
    return str(parsed.body), published


def _simple_body(text: str) -> str:
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
    lines = [line for line in text.splitlines() if not line.startswith("Author:")]
    return "\n".join(lines)


def rebuild_story(spec: dict[str, Any], source: Path, folder: Path) -> Path:
    """An annotated story whose articles are files in `source` (not ours to copy), written
    with its gold.json into `folder`, ready for `load_story`. `spec` ("bench/real_stories/")
    names each article's file and points at gold sentences by character offset in it; a
    headline and an author line are added to articles that have none ("headed" false: ECB+
    files are bare sentences, some after a "Source:" line). A `second_annotation` of the
    same story, in the same form, is written beside it (`SECOND_ANNOTATION`)."""
    raw = {}
    for number, article in enumerate(spec["articles"], start=1):
        text = (source / article["from"]).read_text(encoding="utf-8")
        raw[article["file"]] = text
        if not spec["headed"]:
            text = f"Report {number}\nAuthor: unknown\n\n" + re.sub(r"\ASource:[^\n]*\n", "", text)
        (folder / article["file"]).write_text(text, encoding="utf-8")

    def quoted(reference: list[Any]) -> list[str]:
        file, start, length = reference
        return [file, raw[file][start : start + length]]

    def annotation(given: dict[str, Any]) -> dict[str, Any]:
        return {
            "rewrites": given["rewrites"],
            "claims": [
                {**claim, "sentences": [quoted(item) for item in claim["sentences"]]}
                for claim in given["claims"]
            ],
            "boilerplate": [quoted(item) for item in given.get("boilerplate", [])],
        }

    (folder / GOLD).write_text(json.dumps(annotation(spec)), encoding="utf-8")
    if "second_annotation" in spec:
        second = json.dumps(annotation(spec["second_annotation"]))
        (folder / SECOND_ANNOTATION).write_text(second, encoding="utf-8")
    return folder


def evaluate_story(folder: Path, embedder: Embedder) -> dict[str, Any]:
    story = load_story(folder)
    analysis = analyze(story.articles, embedder=embedder)
    return score_story(story, analysis)


def gold_claims(
    story: LoadedStory,
    segments: Mapping[int, Sequence[Segment]],
    problems: list[str] | None = None,
) -> list[set[SentenceRef]]:
    """The statements of each gold claim. A gold sentence not found raises LookupError, or,
    given `problems`, is left out and said there."""
    groups = []
    for claim in story.gold.get("claims", []):
        refs = set()
        for file, text in claim["sentences"]:
            try:
                refs.add(_locate(story, segments, file, text))
            except LookupError as error:
                if problems is None:
                    raise
                problems.append(str(error))
        groups.append(refs)
    return groups


def _locate(
    story: LoadedStory, segments: Mapping[int, Sequence[Segment]], file: str, text: str
) -> SentenceRef:
    article = story.names.index(file)
    body = story.articles[article].body
    position = body.find(text)
    if position < 0:
        raise LookupError(f"{file}: {text!r} is not in the body")
    for index, segment in enumerate(segments[article]):
        if segment.start <= position and position + len(text) <= segment.end:
            return SentenceRef(article, index)
    raise LookupError(f"{file}: {text!r} spans two segments")


def score_story(story: LoadedStory, analysis: StoryAnalysis) -> dict[str, Any]:
    """Pairwise F1 of the grouping, status accuracy, conflict-kind recall, rewrites."""
    problems: list[str] = []
    gold_groups = gold_claims(story, analysis.segments, problems)
    claim_of = {ref: claim for claim in analysis.claims for ref in claim.members}
    statements = set(claim_of)
    listed = set().union(*gold_groups) if gold_groups else set()
    gold_all = gold_groups + [{ref} for ref in statements - listed]
    predicted = [set(claim.members) for claim in analysis.claims]
    precision, recall, f1 = _pairwise(predicted, gold_all)

    status_hits, kinds_wanted, kinds_found, extra_kinds = 0, 0, 0, 0
    details = []
    for claim, refs in zip(story.gold.get("claims", []), gold_groups, strict=True):
        main = _main_claim(refs, claim_of)
        status = main.status if main else "missing"
        status_hits += status == claim["status"]
        found_kinds = {conflict.kind for conflict in main.conflicts} if main else set()
        wanted = set(claim.get("conflict_kinds", []))
        kinds_wanted += len(wanted)
        kinds_found += len(wanted & found_kinds)
        extra_kinds += len(found_kinds - wanted)
        if status != claim["status"] or wanted != found_kinds:
            details.append(
                {
                    "gold": [claim["status"], sorted(wanted)],
                    "ours": [status, sorted(found_kinds)],
                    "first": claim["sentences"][0][1],
                }
            )
    rewrites_gold = story.gold.get("rewrites", {})
    rewrites_ours = {
        story.names[derivation.article_id]: story.names[derivation.derived_from_id]
        for derivation in analysis.derived.values()
    }
    boilerplate_missed = []
    for file, text in story.gold.get("boilerplate", []):
        try:
            ref = _locate(story, analysis.segments, file, text)
        except LookupError as error:
            problems.append(str(error))
            continue
        if analysis.segment_of(ref).is_claim:
            boilerplate_missed.append(text)
    total = len(story.gold.get("claims", []))
    return {
        "pairwise_precision": round(precision, 3),
        "pairwise_recall": round(recall, 3),
        "pairwise_f1": round(f1, 3),
        "status_accuracy": round(status_hits / total, 3) if total else None,
        "conflict_kind_recall": round(kinds_found / kinds_wanted, 3) if kinds_wanted else None,
        "conflict_kinds_not_in_gold": extra_kinds,
        "rewrites_found": all(rewrites_ours.get(k) == v for k, v in rewrites_gold.items()),
        "false_rewrites": sorted(k for k, v in rewrites_ours.items() if rewrites_gold.get(k) != v),
        "boilerplate_taken_as_statements": boilerplate_missed,
        "entities": _entity_report(story, analysis),
        "mismatches": details,
        "problems": problems,
    }


def annotation_analysis(story: LoadedStory, analysis: StoryAnalysis) -> StoryAnalysis:
    """The analysis the story's annotation describes, over the statements `analysis` found:
    each annotated claim with its status and conflict kinds, every other statement a
    single-source claim of its own, and the annotation's rewrites. Scored by `score_story`
    against another annotation of the story, it gives the two annotators' agreement in the
    figures the engine is judged by."""
    derived = {
        story.names.index(copy): Derivation(story.names.index(copy), story.names.index(origin), 1)
        for copy, origin in story.gold.get("rewrites", {}).items()
    }
    claims = []
    for claim, refs in zip(
        story.gold.get("claims", []), gold_claims(story, analysis.segments), strict=True
    ):
        members = tuple(sorted(refs))
        kinds = claim.get("conflict_kinds", [])
        claims.append(
            Claim(
                members=members,
                status=claim["status"],
                independent_sources=independent_sources(
                    {ref.article_id for ref in members}, derived
                ),
                conflicts=tuple(Conflict(kind, "", members) for kind in kinds),
            )
        )
    listed = {ref for claim in claims for ref in claim.members}
    statements = {ref for claim in analysis.claims for ref in claim.members}
    claims += [
        Claim(members=(ref,), status="single_source", independent_sources=1)
        for ref in sorted(statements - listed)
    ]
    return replace(analysis, claims=claims, derived=derived, entities=[])


def _pairwise(
    predicted: list[set[SentenceRef]], gold: list[set[SentenceRef]]
) -> tuple[float, float, float]:
    def pairs(groups: Iterable[set[SentenceRef]]) -> set[tuple[SentenceRef, SentenceRef]]:
        return {pair for group in groups for pair in combinations(sorted(group), 2)}

    ours, theirs = pairs(predicted), pairs(gold)
    both = len(ours & theirs)
    precision = both / len(ours) if ours else 1.0
    recall = both / len(theirs) if theirs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _main_claim(refs: set[SentenceRef], claim_of: dict[SentenceRef, Claim]) -> Claim | None:
    claims = [claim_of[ref] for ref in refs if ref in claim_of]
    if not claims:
        return None
    return max(
        claims, key=lambda claim: (sum(ref in refs for ref in claim.members), -len(claim.members))
    )


def _entity_report(story: LoadedStory, analysis: StoryAnalysis) -> dict[str, Any]:
    wanted = story.gold.get("entities", [])
    if not wanted:
        return {}
    forms_of = [
        {form.lower() for form in (entity.name, *entity.aliases)} for entity in analysis.entities
    ]
    merged, missing, split = 0, [], []
    for entity in wanted:
        forms = {form.lower() for form in (entity["name"], *entity.get("aliases", []))}
        holders = [n for n, ours in enumerate(forms_of) if forms & ours]
        if not holders:
            missing.append(entity["name"])
        elif any(forms <= forms_of[n] | _bare(forms_of[n]) for n in holders):
            merged += 1
        else:
            split.append(entity["name"])
    return {"gold": len(wanted), "merged_right": merged, "missing": missing, "split": split}


def _bare(forms: set[str]) -> set[str]:
    return {form.split()[-1] for form in forms if form}


def seed_checks(seeds: Path, embedder: Embedder) -> dict[str, Any]:
    """The issue's checks on the seed story (files are found by their number prefix)."""
    files = {path.name[:3]: path for path in seeds.glob("0*.txt")}
    if not {"000", "002", "004"} <= files.keys():
        return {"skipped": f"seed files missing in {seeds}"}
    order = sorted(files)
    articles = []
    for number, key in enumerate(order):
        body, published = read_article(files[key])
        articles.append(ArticleText(id=number, body=body, published=published, title=key))
    story = LoadedStory([files[key].name for key in order], articles, {})
    analysis = analyze(articles, embedder=embedder)
    name = {key: files[key].name for key in order}

    def claim_with(key: str, text: str) -> Claim:
        ref = _locate(story, analysis.segments, name[key], text)
        return next(claim for claim in analysis.claims if ref in claim.members)

    def has_quote_conflict(key: str, text: str) -> bool:
        return any(conflict.kind == "quote" for conflict in claim_with(key, text).conflicts)

    derived = analysis.derived.get(order.index("000"))
    killed = claim_with("000", "32 of its citizens were killed")
    toll = [claim_with(key, "total death toll") for key in ("000", "002")]
    return {
        "000_derived_from_002": bool(derived and derived.derived_from_id == order.index("002")),
        "derived_score": derived.score if derived else None,
        "false_rewrites": sorted(
            story.names[d.article_id]
            for d in analysis.derived.values()
            if story.names[d.article_id] != name["000"]
        ),
        "trump_quote_conflict": has_quote_conflict("000", "going to be a countdown"),
        "rubio_quote_conflicts": has_quote_conflict("000", "incompetent and old people")
        and has_quote_conflict("000", "at least a little worried"),
        "32_killed_not_merged_with_toll_80": all(killed is not claim for claim in toll),
        "004_china_iran_single_source": claim_with("004", "China and Iran").status
        == "single_source",
        "claims": len(analysis.claims),
        "statuses": {
            status: sum(claim.status == status for claim in analysis.claims)
            for status in ("corroborated", "single_source", "conflicting")
        },
    }
