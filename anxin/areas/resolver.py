"""Free text → the deepest official division it names, with the street part kept.

``resolve("北京市朝阳区建国路88号")`` reads place names from the start of the text, one mention after another
(each mention a full name or a form people write: 大理 for 大理白族自治州, 湘西州, 内蒙古, 剑川 after 大理…),
and keeps every reading in which each mention lies inside the previous one. The reading that reaches the
deepest level wins; if it leaves two unrelated places the text is ambiguous and both are returned. Weak forms
(district stems such as 徐汇, two-character names such as 和县, generic ones such as 东区) count only inside a
place already named, so bare noise never becomes a place. Design notes: ``docs/adr/0032-areas-resolver.md``.

The index is built once per process (about 0.1 s, after loading the tree) and is read-only afterwards, so
``resolve`` is safe to call from many threads; the per-county township indexes are built on first use under a
lock.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field

from anxin.areas.tree import COUNTY, PREFECTURE, PROVINCE, TOWNSHIP, DivisionTree, get_tree

OK, AMBIGUOUS, NONE = "ok", "ambiguous", "none"

# Entry weights: lower is better when two readings tie on depth. A mention that repeats the place just named
# (吐鲁番地区 + 吐鲁番市) costs W_REPEAT, so a county of that old name inside it wins; a cut-off start (州市 of
# 广州市) costs W_TAIL.
W_FULL, W_ALIAS, W_SKIP, W_OLD, W_REPEAT, W_TAIL = 0, 1, 2, 3, 4, 4

ETHNIC_GROUPS = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 "
    "裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()
# Longest first so 土家族 is stripped before 土族 could be tried.
_ETHNIC_SUFFIXES = sorted(
    [g + "族" for g in ETHNIC_GROUPS] + [g for g in ETHNIC_GROUPS if len(g) >= 2], key=len, reverse=True
)
GENERIC_NAMES = {"东区", "西区", "南区", "北区", "中区", "城区", "郊区", "矿区", "新区", "市辖区", "市中区"}
# Tokens that carry no place but sit between place names in official or pasted forms.
FILLERS = (
    "中华人民共和国",
    "中国",
    "省直辖县级行政区划",
    "自治区直辖县级行政区划",
    "省直辖县",
    "自治区直辖县",
    "直辖县级",
    "直辖县",
    "省直辖",
    "市辖区",
    "收货地址",
    "详细地址",
    "所在地区",
    "地址",
    "住址",
    "新疆生产建设兵团",
    "生产建设兵团",
    "兵团",
    *(f"第{n}师" for n in "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四".split()),
)
SEPARATORS = frozenset(" \t\r\n,，、;；:：/|\\-—_·.。()（）[]【】<>《》\"'“”‘’")
# A short form followed by one of these is part of a street or building name (南京路, 中山大学), not a place.
_STREET_WORDS = (
    "路",
    "街",
    "道",
    "巷",
    "弄",
    "胡同",
    "大道",
    "大街",
    "大学",
    "大厦",
    "大桥",
    "大楼",
    "大酒店",
    "酒店",
    "饭店",
    "宾馆",
    "银行",
    "公园",
    "广场",
    "小区",
    "花园",
    "公司",
    "医院",
    "学院",
    "中学",
    "小学",
    "商场",
    "机场",
    "火车站",
    "站",
    "桥",
    "号",
    "楼",
    "村",
    "里",
    "苑",
    "园",
)
_STREET_BY_CHAR: dict[str, tuple[str, ...]] = {}
for _w in _STREET_WORDS:
    _STREET_BY_CHAR[_w[0]] = (*_STREET_BY_CHAR.get(_w[0], ()), _w)
# A short form followed by one of these is half of a longer name (朝阳 in 辽宁朝阳市 is not 朝阳县).
_ADMIN_SUFFIX_CHARS = frozenset("省市县区州盟旗镇乡")
_CODE_RE = re.compile(r"^\d{6}(\d{3})?$")
_STREET_ENDINGS = frozenset("路街道巷弄里")
_TOWNSHIP_SUFFIXES = ("街道办事处", "地区办事处", "办事处", "街道", "民族乡", "镇", "乡", "苏木", "地区")


@dataclass(frozen=True)
class Resolution:
    """The outcome of :func:`resolve`. Codes are "" when the text does not reach that level."""

    status: str  # "ok" | "ambiguous" | "none"
    province_code: str = ""
    prefecture_code: str = ""
    county_code: str = ""
    township_code: str = ""
    name_path: str = ""  # e.g. "北京市/朝阳区"
    rest: str = ""  # the text after the place names (street, house number)
    candidates: list[tuple[str, str]] = field(default_factory=list)  # (code, name_path) when ambiguous
    matched: str = ""  # the place names as read (the text before ``rest``)
    truncated: bool = False  # read with the start cut off (州市越秀区 → 广州市越秀区)
    historical_year: int = 0  # the reading used an old name or an old parent, changed in that year; 0 if not

    @property
    def code(self) -> str:
        """The deepest code named."""
        return self.township_code or self.county_code or self.prefecture_code or self.province_code


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    weight: int
    strong: bool  # may start a reading on its own (no enclosing place named before it)
    is_short: bool  # a short form: rejected when a street word follows
    needs_boundary: bool = False  # a township stem: only when the text ends or a separator/digit follows
    alone: bool = (
        False  # a weak form accepted when it is the whole text (潜江, 义乌, 和县), else needs context
    )
    year: int = 0  # an old name: the year it went out of use


def _strip_ethnic(stem: str) -> tuple[str, list[str]]:
    """'海西蒙古族藏族' → ('海西', ['蒙古族', '藏族'])."""
    groups: list[str] = []
    changed = True
    while changed:
        changed = False
        for suffix in _ETHNIC_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 2:
                stem = stem[: -len(suffix)]
                groups.insert(0, suffix)
                changed = True
                break
    return stem, groups


def division_aliases(name: str, level: int) -> list[tuple[str, bool, bool]]:
    """(alias, strong, is_short) forms of a province/prefecture/county name; the full name comes first.

    A county form that is not strong may still stand alone as the whole text (see ``Entry.alone``) when it is a
    full name or the stem of a 县 or county-level 市; district stems (徐汇, 朝阳) always need context.
    """
    forms: list[tuple[str, bool, bool]] = []
    if level == PROVINCE:
        forms.append((name, True, False))
        stem = name
        for suffix in ("自治区", "省", "市"):
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        stem, _ = _strip_ethnic(stem)
        forms.append((stem, True, True))
        if name != stem + "省" and not name.startswith(("北京", "天津", "上海", "重庆")):
            forms.append((stem + "省", True, True))  # 内蒙古省, 广西省: wrong but common
        return forms
    if level == PREFECTURE:
        forms.append((name, True, False))
        if name.endswith("自治州"):
            stem, groups = _strip_ethnic(name[:-3])
            forms += [(stem, True, True), (stem + "州", True, True), (stem + "自治州", True, True)]
            for i in range(1, len(groups)):
                forms.append((stem + "".join(groups[:i]), True, True))
            forms.append((stem + "".join(groups), True, True))
        else:
            for suffix in ("地区", "盟", "市"):
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    forms.append((name[: -len(suffix)], True, True))
                    break
        return forms
    # County level.
    strong_full = len(name) >= 3 and name not in GENERIC_NAMES
    forms.append((name, strong_full, False))
    for suffix, replacement in (("自治县", "县"), ("自治旗", "旗")):
        if name.endswith(suffix):
            stem, _ = _strip_ethnic(name[: -len(suffix)])
            forms += [(stem + replacement, len(stem) >= 2, True), (stem, False, True)]
            return forms
    for suffix in ("林区", "特区", "县", "区", "市", "旗"):
        if name.endswith(suffix) and name not in GENERIC_NAMES:
            stem = name[: -len(suffix)]
            if len(stem) >= 2:
                forms.append((stem, False, True))
            break
    return forms


def _may_stand_alone(name: str, alias: str) -> bool:
    if name in GENERIC_NAMES:
        return False
    return alias == name or name.endswith(("县", "市"))


def township_aliases(name: str) -> list[tuple[str, bool]]:
    """(alias, needs_boundary) forms of a township name."""
    forms = [(name, False)]
    for suffix in _TOWNSHIP_SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if suffix == "街道":
                forms += [(stem + "街道办事处", False), (stem + "办事处", False)]
            if suffix == "民族乡" or suffix == "乡":
                stem, _ = _strip_ethnic(stem)
            # 泉城路街道's stem 泉城路 is a street running through several townships: no stem for those.
            if len(stem) >= 2 and stem[-1] not in _STREET_ENDINGS:
                forms.append((stem, True))
            break
    return forms


# Customary abbreviations that no suffix rule produces (巴音郭楞 → 巴州).
ABBREVIATIONS = {"巴州": "652800", "博州": "652700", "克州": "653000"}


def _scan_table(
    index: dict[str, tuple[Entry, ...]], prefixes: frozenset[str]
) -> dict[str, tuple[tuple[Entry, ...], bool]]:
    """One lookup per scanned character: piece → (its entries, whether longer names start with it)."""
    table: dict[str, tuple[tuple[Entry, ...], bool]] = {piece: ((), True) for piece in prefixes}
    for alias, entries in index.items():
        table[alias] = (entries, alias in prefixes)
    return table


class Resolver:
    """Alias index over the tree. Build once; :meth:`resolve` is read-only afterwards."""

    MAX_MENTIONS = 6

    def __init__(self, tree: DivisionTree) -> None:
        self.tree = tree
        index: dict[str, list[Entry]] = {}

        def add(alias: str, entry: Entry) -> None:
            entries = index.setdefault(alias, [])
            if entry not in entries:
                entries.append(entry)

        for d in tree.by_code.values():
            if d.level == TOWNSHIP:
                continue
            if d.statistical:
                add(d.name, Entry(d.code, W_FULL, len(d.name) >= 4, False))
                continue
            for alias, strong, is_short in division_aliases(d.name, d.level):
                alone = d.level == COUNTY and _may_stand_alone(d.name, alias)
                add(alias, Entry(d.code, W_ALIAS if is_short else W_FULL, strong, is_short, alone=alone))
        for alias, code in ABBREVIATIONS.items():
            if code in tree.by_code:
                add(alias, Entry(code, W_ALIAS, True, True))
        for _old_code, old_name, new_code in tree.old_names:
            if new_code in tree.by_code:
                level = tree.by_code[new_code].level
                year = tree.changed_in.get((old_name, new_code), 0)
                for alias, strong, is_short in division_aliases(old_name, level)[
                    : 1 if level == COUNTY else 2
                ]:
                    alone = level == COUNTY and _may_stand_alone(old_name, alias)
                    add(
                        alias,
                        Entry(new_code, W_OLD, strong and not is_short, is_short, alone=alone, year=year),
                    )
        self.index: dict[str, tuple[Entry, ...]] = {k: tuple(v) for k, v in index.items()}
        self.moves = tree.moves
        # Depth of every division (county for county-less cities), read on every step of the search.
        self.depth_of = {d.code: COUNTY if d.acts_as_county else d.level for d in tree.by_code.values()}
        # Proper tails of province and prefecture full names (州市 and 市 of 广州市): a start cut off by a copy.
        tails: dict[str, set[str]] = {}
        for d in tree.by_code.values():
            if d.level in (PROVINCE, PREFECTURE) and not d.statistical:
                for i in range(1, len(d.name)):
                    tails.setdefault(d.name[i:], set()).add(d.code)
        self.tails = {k: tuple(sorted(v)) for k, v in tails.items()}
        self.max_tail = max(len(k) for k in self.tails)
        self.prefixes = frozenset(alias[:i] for alias in index for i in range(1, len(alias)))
        self.max_len = max(len(a) for a in index)
        self.scan = _scan_table(self.index, self.prefixes)
        self.fillers: dict[str, tuple[str, ...]] = {}
        for filler in sorted(FILLERS, key=len, reverse=True):
            self.fillers[filler[0]] = (*self.fillers.get(filler[0], ()), filler)
        self._townships: dict[str, tuple[dict[str, tuple[tuple[Entry, ...], bool]], int]] = {}
        self._lock = threading.Lock()

    # -- township indexes, per county (or county-less city) and per prefecture, built lazily ------------------
    def townships_under(self, code: str) -> tuple[dict[str, tuple[tuple[Entry, ...], bool]], int]:
        found = self._townships.get(code)
        if found is not None:
            return found
        with self._lock:
            found = self._townships.get(code)
            if found is None:
                found = self._build_township_index(code)
                self._townships[code] = found
        return found

    def _build_township_index(self, code: str) -> tuple[dict[str, tuple[tuple[Entry, ...], bool]], int]:
        tree = self.tree
        # A township named right after its county costs nothing; one named after its prefecture with the county
        # skipped (苏州周庄镇) costs more than a county of the same name (临汾古县 is 古县, not 蒲县古县乡).
        weight = W_FULL if tree.by_code[code].acts_as_county else W_SKIP
        index: dict[str, list[Entry]] = {}
        for child in tree.descendants(code):
            d = tree.by_code[child]
            if d.level != TOWNSHIP:
                continue
            for alias, needs_boundary in township_aliases(d.name):
                entries = index.setdefault(alias, [])
                if all(e.code != child for e in entries):
                    entries.append(Entry(child, weight, False, False, needs_boundary))
        frozen = {k: tuple(v) for k, v in index.items()}
        prefixes = frozenset(a[:i] for a in frozen for i in range(1, len(a)))
        return _scan_table(frozen, prefixes), max((len(a) for a in frozen), default=0)

    # -- scanning --------------------------------------------------------------------------------------------
    def _skip(self, text: str, pos: int) -> int:
        """Move past separators and filler words (直辖县, 市辖区, 地址…)."""
        n = len(text)
        fillers = self.fillers
        while pos < n:
            ch = text[pos]
            if ch in SEPARATORS:
                pos += 1
                continue
            for filler in fillers.get(ch, ()):
                if text.startswith(filler, pos):
                    pos += len(filler)
                    break
            else:
                return pos
        return pos

    @staticmethod
    def _street_follows(text: str, end: int) -> bool:
        if end >= len(text):
            return False
        words = _STREET_BY_CHAR.get(text[end])
        return words is not None and any(text.startswith(w, end) for w in words)

    @staticmethod
    def _boundary(text: str, end: int) -> bool:
        return end >= len(text) or text[end] in SEPARATORS or text[end].isdigit()

    def _lookup(
        self, text: str, pos: int, table: dict[str, tuple[tuple[Entry, ...], bool]], max_len: int
    ) -> list[tuple[int, tuple[Entry, ...]]]:
        found = []
        n = len(text)
        for end in range(pos + 1, min(n, pos + max_len) + 1):
            hit = table.get(text[pos:end])
            if hit is None:
                break
            if hit[0]:
                found.append((end, hit[0]))
            if not hit[1]:
                break
        return found

    def _matches(self, text: str, pos: int, ends: dict[str, int]) -> list[tuple[int, tuple[Entry, ...]]]:
        matches = self._lookup(text, pos, self.scan, self.max_len)
        by_code = self.tree.by_code
        if len(ends) > 12:  # a cut-off start open to many places: townships only after a county
            return matches
        for code in ends:
            if by_code[code].level in (PREFECTURE, COUNTY):
                matches += self._lookup(text, pos, *self.townships_under(code))
        return matches

    def _extend(
        self,
        chains: dict[str, int],
        history: dict[str, int],
        entries: tuple[Entry, ...],
        text: str,
        start: int,
        end: int,
    ) -> tuple[dict[str, int], dict[str, int], bool]:
        """Chains are {end code: penalty}; keep each entry that lies inside some current chain end.

        An entry also fits under a parent it had before a change (``tree.moves``: 资阳市 + 简阳市, 莱芜市 + 钢城区)
        at the cost of an old form. ``history`` is {end code: year} for chains that used an old name or parent.

        Also says whether every kept entry is a short form followed by a street word, an administrative suffix,
        or (as the first mention) by more words; such a reading is not an answer, but it may go on (青岛 + 市南区,
        唐山 + 路南区, 北京 + 朝阳区).
        """
        ancestors_of = self.tree.ancestors
        moves = self.moves
        new: dict[str, int] = {}
        new_history: dict[str, int] = {}
        street = None
        only_short = True
        for entry in entries:
            if entry.needs_boundary and not self._boundary(text, end):
                continue
            year = entry.year
            if not chains:
                if not (entry.strong or (entry.alone and start == 0 and end == len(text))):
                    continue
                score = entry.weight
            else:
                ancestors = ancestors_of[entry.code]
                moved = moves.get(entry.code)
                weight = entry.weight
                score = 99
                if moved is None and not history:  # the common case: current names, no old parent possible
                    for code, penalty in chains.items():
                        if code in ancestors:
                            cost = penalty + weight
                        elif code == entry.code:
                            cost = penalty + weight + W_REPEAT
                        else:
                            continue
                        if cost < score:
                            score = cost
                else:
                    for code, penalty in chains.items():
                        if code in ancestors:
                            cost, changed = penalty + weight, 0
                        elif code == entry.code:
                            cost, changed = penalty + weight + W_REPEAT, 0
                        elif moved and code in moved:
                            cost, changed = penalty + weight + W_OLD, moved[code][1]
                        else:
                            continue
                        if cost < score:
                            score = cost
                            year = max(entry.year, changed, history.get(code, 0))
                if score == 99:
                    continue
            if score < new.get(entry.code, 99):
                new[entry.code] = score
                if year:
                    new_history[entry.code] = year
                elif new_history:
                    new_history.pop(entry.code, None)
            only_short = only_short and entry.is_short
        if new and only_short:
            street = (
                self._street_follows(text, end)
                or text[end : end + 1] in _ADMIN_SUFFIX_CHARS
                # A bare short name as the only place, run into other words (四川火锅店, 北京烤鸭店), is
                # not taken as an address; 北京 alone, 北京 建国路 and 北京朝阳区 still are.
                or (not chains and not self._boundary(text, end))
            )
        return new, new_history, bool(street)

    def _depth(self, code: str) -> int:
        d = self.tree.by_code[code]
        return COUNTY if d.acts_as_county else d.level

    def _search(
        self, text: str, stack: list[tuple[int, dict[str, int], dict[str, int], int, bool]] | None = None
    ) -> tuple[int, dict[str, int], dict[str, int], bool]:
        """Depth-first over segmentations; returns (end position, chains, history, reaches a county) of the best
        reading.

        Readings compare by: reaching county level, then text consumed, then fewer short/old forms, then depth.
        A reading whose last mention is a short form followed by a street word (南京路) or an administrative
        suffix (辽宁朝阳|市) is not a candidate, but it may continue (唐山路南区 = 唐山 + 路南区).

        ``stack`` starts the search elsewhere (a cut-off start, :meth:`_search_cut`); readings that tie on every
        key are then merged, so that two places matching the same cut text come out ambiguous.
        """
        merge = stack is not None
        depth_of = self.depth_of.__getitem__
        best: tuple[tuple[int, int, int, int], int, dict[str, int], dict[str, int]] = (
            (0, 0, 0, 0),
            0,
            {},
            {},
        )
        if stack is None:
            stack = [(0, {}, {}, 0, False)]
        while stack:
            pos, chains, history, mentions, street = stack.pop()
            if chains and not street:
                depth = max(map(depth_of, chains))
                penalty = min(chains.values())
                key = (min(depth, COUNTY), pos, -penalty, depth)
                if key > best[0]:
                    best = (key, pos, chains, history)
                elif merge and key == best[0]:
                    merged = dict(best[2])
                    for code, value in chains.items():
                        if value < merged.get(code, 99):
                            merged[code] = value
                    best = (key, pos, merged, {**best[3], **history})
            if mentions >= self.MAX_MENTIONS:
                continue
            start = self._skip(text, pos)
            for end, entries in self._matches(text, start, chains):
                new, new_history, street_follows = self._extend(chains, history, entries, text, start, end)
                if new:
                    stack.append((end, new, new_history, mentions + 1, street_follows))
        return best[1], best[2], best[3], best[0][0] == COUNTY

    def _search_cut(self, text: str) -> tuple[int, dict[str, int], dict[str, int]]:
        """Read text whose start was cut off: the first k characters as the tail of a province or prefecture
        name (州市 of 广州市, 市 of any city), then the usual mentions inside it. Only readings that reach a county
        count; every place that fits the visible tail and the rest is kept, so several make it ambiguous.
        """
        stack: list[tuple[int, dict[str, int], dict[str, int], int, bool]] = []
        for k in range(1, min(len(text) - 1, self.max_tail) + 1):
            codes = self.tails.get(text[:k])
            if codes:
                # street=True: the tail alone is never an answer.
                stack.append((k, dict.fromkeys(codes, W_TAIL), {}, 1, True))
        if not stack:
            return 0, {}, {}
        end, chains, history, county = self._search(text, stack)
        return (end, chains, history) if county else (0, {}, {})

    # -- public -----------------------------------------------------------------------------------------------
    def resolve(self, text: str) -> Resolution:
        original = text or ""
        text = unicodedata.normalize("NFKC", original).strip()
        if not text:
            return Resolution(status=NONE, rest="")
        if _CODE_RE.match(text):
            division = self.tree.get(text)
            return self._result([division.code] if division else [], "")
        end, chains, history, county = self._search(text)
        truncated = False
        if not county:
            cut_end, cut_chains, cut_history = self._search_cut(text)
            if cut_chains:
                end, chains, history, truncated = cut_end, cut_chains, cut_history, True
        if not chains:
            return Resolution(status=NONE, rest=text)
        skipped = self._skip(text, end)
        rest = text[skipped:].strip()
        matched = text[:end].strip()
        # One reading of the same words: the best-weighted ends; among those the shallowest level
        # (海南 = the province before 海南藏族自治州; 吉林 = the province before 吉林市).
        least = min(chains.values())
        tied = [c for c in chains if chains[c] == least]
        shallowest = min(self.tree.by_code[c].level for c in tied)
        codes = sorted(c for c in tied if self.tree.by_code[c].level == shallowest)
        year = max([history.get(c, 0) for c in codes]) if history else 0
        return self._result(codes, rest, matched=matched, truncated=truncated, historical_year=year)

    def _result(
        self,
        codes: list[str],
        rest: str,
        *,
        matched: str = "",
        truncated: bool = False,
        historical_year: int = 0,
    ) -> Resolution:
        tree = self.tree
        if not codes:
            return Resolution(status=NONE, rest=rest)
        if len(codes) == 1:
            return self._fields(OK, codes[0], rest, [], matched, truncated, historical_year)
        # Nested candidates (吉林 = 吉林省 or its 吉林市): the outer one is right under either reading.
        outer = [c for c in codes if not any(tree.is_within(c, o) for o in codes if o != c)]
        if len(outer) == 1:
            return self._fields(OK, outer[0], rest, [], matched, truncated, historical_year)
        common = set(tree.ancestors[outer[0]])
        for c in outer[1:]:
            common &= set(tree.ancestors[c])
        shared = max(common, key=lambda c: tree.by_code[c].level, default="")
        candidates = [(c, tree.name_path(c)) for c in outer]
        return self._fields(AMBIGUOUS, shared, rest, candidates, matched, truncated, 0)

    def _fields(
        self,
        status: str,
        code: str,
        rest: str,
        candidates: list[tuple[str, str]],
        matched: str = "",
        truncated: bool = False,
        historical_year: int = 0,
    ) -> Resolution:
        tree = self.tree
        values = {PROVINCE: "", PREFECTURE: "", COUNTY: "", TOWNSHIP: ""}
        if code:
            for d in tree.chain(code):
                values[d.level] = d.code
            values[COUNTY] = tree.county_of(code)
        return Resolution(
            status=status,
            province_code=values[PROVINCE],
            prefecture_code=values[PREFECTURE],
            county_code=values[COUNTY],
            township_code=values[TOWNSHIP],
            name_path=tree.name_path(code) if code else "",
            rest=rest,
            candidates=candidates,
            matched=matched,
            truncated=truncated,
            historical_year=historical_year,
        )


_lock = threading.Lock()
_resolver: Resolver | None = None


def get_resolver() -> Resolver:
    global _resolver
    if _resolver is None:
        with _lock:
            if _resolver is None:
                _resolver = Resolver(get_tree())
    return _resolver


def resolve(text: str) -> Resolution:
    """Resolve free text to a division; see the module docstring."""
    return get_resolver().resolve(text)
