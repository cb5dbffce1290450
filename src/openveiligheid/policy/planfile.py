"""The plan file: a municipality's safety plan in one human-editable YAML file.

Reading is pure (no database): :func:`read_plan` returns a :class:`PlanSpec` whose indicators
are engine definitions, or raises :class:`InputError` naming the YAML line of every problem.
The format is documented in ``docs/data-formats/plan-yaml.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from openveiligheid.core.areacodes import AreaCodeError, level_of, normalize_code
from openveiligheid.core.errors import InputError, InputProblem, ProblemCollector
from openveiligheid.core.periods import plan_years
from openveiligheid.core.textfiles import decode_text
from openveiligheid.imports.parsers.cijfers import check_measure_name
from openveiligheid.indicators.engine import HOGER, LAGER, IndicatorDefinition
from openveiligheid.indicators.targets import TargetError, parse_target

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Aliases (``*naam``) a plan may use, and the nodes it may have with every alias expanded:
#: a "billion laughs" document is refused while it is composed, before anything is built.
MAX_ALIASES = 50
MAX_EXPANDED_NODES = 100_000
PLAN_KEYS = {
    "gemeente",
    "naam",
    "periode",
    "indeling",
    "omschrijving",
    "openbaar",
    "themas",
    "indicatoren",
}
THEME_KEYS = {"id", "naam", "omschrijving", "doelen"}
GOAL_KEYS = {"id", "code", "naam", "criteria", "omschrijving", "portefeuillehouder", "indicatoren"}
#: A goal's code as the budget numbers it: ``7.2.1``, ``1E``, ``II.3``.
GOAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,19}$")
INDICATOR_KEYS = {
    "id",
    "naam",
    "som",
    "waarde",
    "per_1000",
    "beter",
    "decimalen",
    "vergelijk",
    "doelen",
    "eenheid",
    "toelichting",
    "bron",
    "openbaar",
}


class LineDict(dict):
    """A mapping that remembers the YAML line of itself and of each key."""

    line: int = 0
    key_lines: dict


class LineList(list):
    line: int = 0
    item_lines: list


@dataclass
class GoalSpec:
    id: str
    name: str
    criteria: str
    indicators: list[str]
    line: int
    code: str = ""
    description: str = ""
    portfolio_holder: str = ""


@dataclass
class ThemeSpec:
    id: str
    name: str
    description: str
    goals: list[GoalSpec]
    line: int


@dataclass
class PlanSpec:
    gemeente: str
    name: str
    period: str
    division: int | None
    description: str
    themes: list[ThemeSpec]
    indicators: dict[str, IndicatorDefinition]
    indicator_lines: dict[str, int]
    indicator_notes: dict[str, str] = field(default_factory=dict)
    indicator_sources: dict[str, str] = field(default_factory=dict)
    #: indicators marked ``openbaar: ja`` (shown on the public page of an adopted report)
    public_indicators: set[str] = field(default_factory=set)
    public: bool = False
    text: str = ""

    def goals(self) -> list[GoalSpec]:
        return [goal for theme in self.themes for goal in theme.goals]


def read_plan(path: Path | str, text: str | None = None, data: bytes | None = None) -> PlanSpec:
    """Read a plan from ``text``, or else the bytes ``data``, or else the file ``path``.

    Bytes are decoded as every input file is (:mod:`openveiligheid.core.textfiles`). YAML is
    read with the safe loader, without tags, with at most :data:`MAX_ALIASES` aliases and
    :data:`MAX_EXPANDED_NODES` nodes when they are expanded."""
    path = Path(path)
    if text is None:
        text = decode_text(path.read_bytes() if data is None else data, path.name)
    problems = ProblemCollector(path.name)
    try:
        document = yaml.load(text, Loader=_LineLoader(problems))  # noqa: S506 (safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise InputError([InputProblem(path.name, f"geen geldige YAML: {exc}", line)]) from exc
    except (ValueError, OverflowError) as exc:  # a date or number the constructors refuse
        message = f"geen geldige YAML: een waarde is onleesbaar ({str(exc)[:80]})"
        raise InputError([InputProblem(path.name, message)]) from exc
    except RecursionError:
        message = "geen geldige YAML: te diep geneste lijsten of mappings"
        raise InputError([InputProblem(path.name, message)]) from None
    problems.raise_if_any()
    if not isinstance(document, LineDict):
        raise InputError([InputProblem(path.name, "het plan moet een YAML-mapping zijn", 1)])
    spec = _PlanReader(problems).read(document)
    problems.raise_if_any()
    spec.text = text
    return spec


def _LineLoader(problems: ProblemCollector):  # noqa: N802 (a class factory)
    class Loader(yaml.SafeLoader):
        aliases = 0

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise _refused(f"meer dan {MAX_ALIASES} aliassen (*naam)", event)
            elif getattr(event, "tag", None) not in (None, "!"):
                tag = event.tag.replace("tag:yaml.org,2002:", "!!")[:40]
                raise _refused(f"tags zoals {tag} zijn niet toegestaan", event)
            return super().compose_node(parent, index)

        def compose_document(self):
            node = super().compose_document()
            _expanded_size(node, {})
            return node

    def construct_map(loader, node):
        data = LineDict()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, list | dict):
                problems.add("een sleutel moet tekst of een getal zijn, geen lijst", line)
                continue
            if key in data.key_lines:
                problems.add(
                    f"sleutel '{key}' staat dubbel (ook op regel {data.key_lines[key]})", line
                )
            data.key_lines[key] = line
            data[key] = loader.construct_object(value_node, deep=True)

    def construct_seq(loader, node):
        data = LineList()
        data.line = node.start_mark.line + 1
        data.item_lines = [item.start_mark.line + 1 for item in node.value]
        yield data
        data.extend(loader.construct_object(item, deep=True) for item in node.value)

    Loader.add_constructor("tag:yaml.org,2002:map", construct_map)
    Loader.add_constructor("tag:yaml.org,2002:seq", construct_seq)
    return Loader


def _refused(message: str, event) -> yaml.YAMLError:
    return yaml.composer.ComposerError(None, None, message, event.start_mark)


def _expanded_size(node, sizes: dict[int, int | None]) -> int:
    """The number of nodes of ``node`` with every alias expanded; refuse more than allowed."""
    key = id(node)
    if key in sizes:
        if sizes[key] is None:
            raise yaml.composer.ComposerError(
                None, None, "een alias verwijst naar zichzelf", node.start_mark
            )
        return sizes[key]
    sizes[key] = None
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, sizes) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    if size > MAX_EXPANDED_NODES:
        raise yaml.composer.ComposerError(
            None,
            None,
            f"het plan wordt met zijn aliassen meer dan {MAX_EXPANDED_NODES:,} elementen groot "
            "(een 'billion laughs'?)".replace(",", "."),
            node.start_mark,
        )
    sizes[key] = size
    return size


class _PlanReader:
    def __init__(self, problems: ProblemCollector):
        self.problems = problems

    def add(self, message: str, line: int, field: str | None = None) -> None:
        self.problems.add(message, line=line, field=field)

    def _period(self, doc: LineDict) -> str:
        """The plan period as written; it must name its years, since targets count only there."""
        text = str(doc.get("periode", "") or "").strip()
        if text and plan_years(text) is None:
            self.add(
                "periode moet een jaar of een reeks jaren zijn, bijvoorbeeld 2019-2023",
                doc.key_lines["periode"],
                "periode",
            )
        return text

    def read(self, doc: LineDict) -> PlanSpec:
        self._unknown_keys(doc, PLAN_KEYS, "plan")
        gemeente = self._area(doc, "gemeente", required=True) or ""
        division = doc.get("indeling")
        if division is not None and not (isinstance(division, int) and 1900 < division < 3000):
            self.add(
                "indeling moet een jaartal zijn, bijvoorbeeld 2024",
                doc.key_lines["indeling"],
                "indeling",
            )
            division = None
        indicators, lines, notes, sources, public = self._indicators(doc)
        themes = self._themes(doc, indicators)
        return PlanSpec(
            gemeente=gemeente,
            name=self._text(doc, "naam", required=True),
            period=self._period(doc),
            division=division,
            description=self._text(doc, "omschrijving"),
            themes=themes,
            indicators=indicators,
            indicator_lines=lines,
            indicator_notes=notes,
            indicator_sources=sources,
            public_indicators=public,
            public=self._flag(doc, "openbaar"),
        )

    # -- helpers -------------------------------------------------------------------------
    def _line(self, mapping: LineDict, key: str) -> int:
        return mapping.key_lines.get(key, mapping.line)

    def _unknown_keys(self, mapping: LineDict, allowed: set[str], what: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.add(
                    f"onbekende sleutel '{key}' in {what} "
                    f"(toegestaan: {', '.join(sorted(allowed))})",
                    self._line(mapping, key),
                    str(key),
                )

    def _text(self, mapping: LineDict, key: str, required: bool = False) -> str:
        value = mapping.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(f"'{key}' ontbreekt", mapping.line, key)
            return ""
        if not isinstance(value, str | int | float):
            self.add(f"'{key}' moet tekst zijn", self._line(mapping, key), key)
            return ""
        return str(value).strip()

    def _flag(self, mapping: LineDict, key: str) -> bool:
        value = mapping.get(key, False)
        if not isinstance(value, bool):
            self.add(f"'{key}' moet ja of nee zijn", self._line(mapping, key), key)
            return False
        return value

    def _id(self, mapping: LineDict, seen: dict[str, int], what: str) -> str | None:
        value = mapping.get("id")
        if not isinstance(value, str) or not ID.match(value):
            self.add(
                f"{what} heeft geen geldig id (kleine letters, cijfers en -): {value!r}",
                self._line(mapping, "id"),
                "id",
            )
            return None
        line = self._line(mapping, "id")
        if value in seen:
            self.add(
                f"{what}-id '{value}' komt dubbel voor (ook op regel {seen[value]})", line, "id"
            )
            return None
        seen[value] = line
        return value

    def _area(self, mapping: LineDict, key: str, required: bool = False) -> str | None:
        raw = mapping.get(key)
        if raw is None:
            if required:
                self.add(f"'{key}' ontbreekt (een CBS-code zoals GM0014)", mapping.line, key)
            return None
        code = normalize_code(str(raw))
        try:
            level_of(code)
        except AreaCodeError as exc:
            self.add(str(exc), self._line(mapping, key), key)
            return None
        return code

    def _list(self, mapping: LineDict, key: str) -> LineList:
        value = mapping.get(key)
        if value is None:
            return LineList()
        if not isinstance(value, LineList):
            self.add(f"'{key}' moet een lijst zijn", self._line(mapping, key), key)
            return LineList()
        return value

    def _mappings(self, items: LineList, what: str):
        for item, line in zip(items, getattr(items, "item_lines", []), strict=False):
            if isinstance(item, LineDict):
                yield item
            else:
                self.add(f"elk(e) {what} moet een mapping met id en naam zijn", line)

    # -- indicators ----------------------------------------------------------------------
    def _indicators(self, doc: LineDict):
        defs: dict[str, IndicatorDefinition] = {}
        lines: dict[str, int] = {}
        notes: dict[str, str] = {}
        sources: dict[str, str] = {}
        public: set[str] = set()
        seen: dict[str, int] = {}
        for item in self._mappings(self._list(doc, "indicatoren"), "indicator"):
            self._unknown_keys(item, INDICATOR_KEYS, "indicator")
            ident = self._id(item, seen, "indicator")
            definition = self._indicator(item, ident or "?")
            if ident and definition:
                defs[ident] = definition
                lines[ident] = item.line
                notes[ident] = self._text(item, "toelichting")
                sources[ident] = self._text(item, "bron")
                if self._flag(item, "openbaar"):
                    public.add(ident)
        return defs, lines, notes, sources, public

    def _indicator(self, item: LineDict, ident: str) -> IndicatorDefinition | None:
        measures, reported = item.get("som"), item.get("waarde")
        if (measures is None) == (reported is None):
            self.add(
                f"indicator '{ident}' heeft precies één van 'som' of 'waarde' nodig", item.line
            )
            return None
        if reported is not None:
            measures_list: list[str] = []
            reported = self._measure(str(reported), self._line(item, "waarde"), "waarde")
        else:
            if isinstance(measures, str):
                measures = [measures]
            if not isinstance(measures, list) or not measures:
                self.add("'som' moet een lijst van maten zijn", self._line(item, "som"), "som")
                return None
            measures_list = [
                self._measure(str(m), self._line(item, "som"), "som") for m in measures
            ]
        per_1000 = item.get("per_1000")
        if per_1000 is not None:
            per_1000 = self._measure(str(per_1000), self._line(item, "per_1000"), "per_1000")
        better = item.get("beter", LAGER)
        if better not in (LAGER, HOGER):
            self.add(
                f"'beter' moet lager of hoger zijn, niet {better!r}",
                self._line(item, "beter"),
                "beter",
            )
        decimals = item.get("decimalen", 1)
        if not isinstance(decimals, int) or not 0 <= decimals <= 4:
            self.add(
                "'decimalen' moet een geheel getal van 0 tot 4 zijn", self._line(item, "decimalen")
            )
            decimals = 1
        return IndicatorDefinition(
            id=ident,
            name=self._text(item, "naam", required=True),
            measures=tuple(measures_list),
            reported=reported,
            per_1000=per_1000,
            better=better,
            decimals=decimals,
            comparison_area=self._area(item, "vergelijk"),
            targets=self._targets(item),
            unit=self._text(item, "eenheid"),
        )

    def _measure(self, name: str, line: int, field: str) -> str:
        complaint = check_measure_name(name.strip())
        if complaint:
            self.add(complaint, line, field)
        return name.strip()

    def _targets(self, item: LineDict):
        raw = item.get("doelen")
        if raw is None:
            return {}
        line = self._line(item, "doelen")
        if not isinstance(raw, LineDict):
            self.add("'doelen' moet per jaar een doel geven, bijvoorbeeld {2023: \"< 80\"}", line)
            return {}
        targets = {}
        for year, text in raw.items():
            key_line = raw.key_lines.get(year, line)
            if not (isinstance(year, int) and 1900 < year < 3000):
                self.add(f"'{year}' is geen jaartal", key_line, "doelen")
                continue
            try:
                targets[year] = parse_target(text)
            except TargetError as exc:
                self.add(str(exc), key_line, "doelen")
        return targets

    # -- themes and goals ----------------------------------------------------------------
    def _themes(self, doc: LineDict, indicators: dict[str, IndicatorDefinition]) -> list[ThemeSpec]:
        themes: list[ThemeSpec] = []
        theme_ids: dict[str, int] = {}
        goal_ids: dict[str, int] = {}
        goal_codes: dict[str, int] = {}
        for item in self._mappings(self._list(doc, "themas"), "thema"):
            self._unknown_keys(item, THEME_KEYS, "thema")
            ident = self._id(item, theme_ids, "thema")
            goals = [
                self._goal(g, goal_ids, goal_codes, indicators)
                for g in self._mappings(self._list(item, "doelen"), "doel")
            ]
            themes.append(
                ThemeSpec(
                    id=ident or "?",
                    name=self._text(item, "naam", required=True),
                    description=self._text(item, "omschrijving"),
                    goals=[g for g in goals if g],
                    line=item.line,
                )
            )
        if not themes:
            self.add(
                "het plan heeft geen thema's ('themas' ontbreekt of is leeg)", doc.line, "themas"
            )
        return themes

    def _goal(
        self, item: LineDict, seen: dict[str, int], codes: dict[str, int], indicators
    ) -> GoalSpec | None:
        self._unknown_keys(item, GOAL_KEYS, "doel")
        ident = self._id(item, seen, "doel")
        code = self._goal_code(item, codes)
        refs = self._list(item, "indicatoren")
        for ref, line in zip(refs, refs.item_lines if refs else [], strict=False):
            if not isinstance(ref, str) or ref not in indicators:
                self.add(
                    f"onbekende indicator '{ref}' (niet in 'indicatoren')", line, "indicatoren"
                )
        name = self._text(item, "naam", required=True)
        if not ident:
            return None
        return GoalSpec(
            ident,
            name,
            self._text(item, "criteria"),
            [str(r) for r in refs],
            item.line,
            code=code,
            description=self._text(item, "omschrijving"),
            portfolio_holder=self._text(item, "portefeuillehouder"),
        )

    def _goal_code(self, item: LineDict, seen: dict[str, int]) -> str:
        """The goal's code in the budget (``7.2.1``), optional, unique within the plan."""
        code = self._text(item, "code")
        line = self._line(item, "code")
        if not code:
            return ""
        if not GOAL_CODE.match(code):
            self.add(
                f"doelcode {code[:30]!r} mag alleen letters, cijfers, punten en - bevatten "
                "(ten hoogste 20 tekens), bijvoorbeeld 7.2.1",
                line,
                "code",
            )
            return ""
        if code in seen:
            self.add(
                f"doelcode '{code}' komt dubbel voor (ook op regel {seen[code]})", line, "code"
            )
            return ""
        seen[code] = line
        return code


def unknown_measures(spec: PlanSpec, known: set[str], file_name: str) -> list[InputProblem]:
    """Problems for measures the plan uses that are not in ``known`` (``extern:`` always is)."""
    problems = []
    for ident, definition in spec.indicators.items():
        for measure in definition.input_measures:
            if measure not in known and not measure.startswith("extern:"):
                problems.append(
                    InputProblem(
                        file_name,
                        f"onbekende maat '{measure}' in indicator '{ident}'",
                        spec.indicator_lines[ident],
                    )
                )
    return problems
