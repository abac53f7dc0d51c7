#!/usr/bin/env python3
"""Check ttpmap's default Sigma rule set (crates/mapper/rules).

Usage:
    python3 scripts/check-default-rules.py [ATTACK_JSON] [--rules DIR] [--samples FILE]
                                           [--min-techniques N] [--summary] [--readme FILE]

ATTACK_JSON defaults to ../shared/attack-stix/enterprise-attack-18.1.json (relative to the
working directory, then to the repository root). Requires Python 3.9+ and PyYAML
(`pip install pyyaml`); nothing else outside the standard library.

What it checks, for every rule file under <rules>/{windows,linux,macos}/*.yml:
  * the file name (proc_creation_{win,lnx,macos}_<name>.yml, folder matching the product);
  * required fields and their types: title, id, status (experimental|test), description,
    author (ttpmap), date, tags, logsource (product + category process_creation), detection,
    falsepositives, level (low|medium|high|critical); no unknown top-level keys;
  * id == uuid5(NAMESPACE_URL, "https://ttpmap.invalid/rules/" + file stem), ids and titles unique;
  * detection: identifiers well-formed, known field names and modifiers, `all` only on lists,
    regular expressions compile and avoid constructs Rust's regex crate lacks, the condition
    parses, names only existing identifiers, and every identifier is used;
  * tags against the ATT&CK release: every attack.tNNNN[.NNN] exists and is neither revoked nor
    deprecated, every tactic tag (defense_evasion or defense-evasion) belongs to at least one
    tagged technique, and every technique has at least one of its tactics tagged;
  * samples (<rules>/samples.json): every rule has at least one positive sample; each positive
    sample must match the rule and each negative sample must not, evaluated with the Sigma
    semantics implemented below (contains/startswith/endswith/all/windash/re/base64/
    base64offset/wide/utf16*/cased/exists, wildcards, conditions with and/or/not/parentheses,
    `1 of`/`all of` patterns and `them`).

A sample is either a command-line string or an object of event fields (`CommandLine` required;
`Image`, `ParentImage`, `OriginalFileName`, ... optional). Missing fields are derived: `Image` is
the first token of the command line (double quotes respected), `OriginalFileName` is the base
name of `Image`. Fields that are neither given nor derived are absent (a selection on them
does not match).

It counts distinct techniques (technique and sub-technique ids) per platform and overall and
fails (exit status 1) when the overall count is below --min-techniques (default 150) or when
any check fails. --summary prints the counts as Markdown; --readme FILE rewrites the block
between `<!-- summary:start -->` and `<!-- summary:end -->` in FILE with that Markdown.
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime
import json
import os
import re
import sys
import uuid

try:
    import yaml
except ImportError:  # pragma: no cover - environment problem, not a rule problem
    sys.exit("check-default-rules: PyYAML is required (pip install pyyaml)")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_ATTACK = "../shared/attack-stix/enterprise-attack-18.1.json"
ID_PREFIX = "https://ttpmap.invalid/rules/"
PLATFORM_DIRS = {"windows": "win", "linux": "lnx", "macos": "macos"}
REQUIRED = ["title", "id", "status", "description", "author", "date", "tags", "logsource",
            "detection", "falsepositives", "level"]
ALLOWED_TOP = set(REQUIRED) | {"modified", "references", "related", "fields", "license", "name", "taxonomy"}
STATUSES = {"experimental", "test"}
LEVELS = ["low", "medium", "high", "critical"]
FIELDS = {"Image", "OriginalFileName", "CommandLine", "ParentImage", "ParentCommandLine",
          "CurrentDirectory", "User", "IntegrityLevel", "Product", "Company", "Description"}
MATCH_MODS = {"contains", "startswith", "endswith", "re", "exists"}
ENCODE_MODS = {"base64", "base64offset"}
UTF16_MODS = {"wide", "utf16le", "utf16be", "utf16"}
OTHER_MODS = {"all", "windash", "cased", "i", "m", "s"}
KNOWN_MODS = MATCH_MODS | ENCODE_MODS | UTF16_MODS | OTHER_MODS
IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
STEM_RE = re.compile(r"^proc_creation_(win|lnx|macos)_[a-z0-9]+(_[a-z0-9]+)*$")
TECH_TAG_RE = re.compile(r"^attack\.t(\d{4})(\.\d{3})?$")
OTHER_ATTACK_TAG_RE = re.compile(r"^attack\.[gs]\d{4}$")
def rust_regex_problem(pattern: str):
    """Name a construct Python's re accepts but Rust's regex crate (the engine's) rejects, or None."""
    for token, what in (("(?=", "look-ahead"), ("(?!", "negative look-ahead"), ("(?<=", "look-behind"),
                        ("(?<!", "negative look-behind"), ("(?P=", "named back-reference"), ("(?>", "atomic group")):
        if token in pattern:
            return what
    i = 0
    while i < len(pattern) - 1:
        if pattern[i] == "\\":
            nxt = pattern[i + 1]
            if nxt in "123456789":
                return "back-reference"
            if nxt == "Z":
                return "\\Z (use $ or \\z)"
            i += 2
            continue
        i += 1
    if re.search(r"[*+?}]\+", pattern.replace("\\\\", "")):
        return "possessive quantifier"
    return None

WINDASH_CHARS = "-/\u2013\u2014\u2015"


# --------------------------------------------------------------------------- YAML loading
class UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (PyYAML silently keeps the last)."""


def _construct_mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --------------------------------------------------------------------------- ATT&CK
class Attack:
    def __init__(self, path: str):
        with open(path, encoding="utf-8") as f:
            bundle = json.load(f)
        self.current: dict[str, dict] = {}
        self.dead: dict[str, str] = {}
        tactic_by_id = {}
        matrix_refs = []
        for o in bundle.get("objects", []):
            t = o.get("type")
            if t == "x-mitre-tactic":
                tactic_by_id[o["id"]] = o.get("x_mitre_shortname", "")
            elif t == "x-mitre-matrix" and not o.get("revoked") and not o.get("x_mitre_deprecated"):
                matrix_refs = o.get("tactic_refs", []) or matrix_refs
            if t != "attack-pattern":
                continue
            ext = [r.get("external_id") for r in o.get("external_references", [])
                   if r.get("source_name") == "mitre-attack" and r.get("external_id")]
            if not ext:
                continue
            tid = ext[0].upper()
            if o.get("revoked") or o.get("x_mitre_deprecated"):
                self.dead.setdefault(tid, "revoked" if o.get("revoked") else "deprecated")
                continue
            tactics = [p["phase_name"].replace("-", "_") for p in o.get("kill_chain_phases", [])
                       if p.get("kill_chain_name") == "mitre-attack"]
            self.current[tid] = {"name": o.get("name", ""), "tactics": tactics}
        order = [tactic_by_id[r].replace("-", "_") for r in matrix_refs if r in tactic_by_id]
        extra = sorted({x for v in self.current.values() for x in v["tactics"]} - set(order))
        self.tactic_order = order + extra


# --------------------------------------------------------------------------- Sigma values
def _sigma_tokens(value: str):
    """Split a Sigma string into literal text and wildcards (`*`, `?`); `\\` escapes `*`, `?`, `\\`."""
    out, buf, i = [], [], 0
    while i < len(value):
        ch = value[i]
        if ch == "\\" and i + 1 < len(value) and value[i + 1] in "*?\\":
            buf.append(value[i + 1])
            i += 2
            continue
        if ch in "*?":
            if buf:
                out.append(("lit", "".join(buf)))
                buf = []
            out.append((ch, None))
        else:
            buf.append(ch)
        i += 1
    if buf:
        out.append(("lit", "".join(buf)))
    return out


def _windash_positions(text: str):
    """Positions of `-` or `/` that start a flag (pySigma: `\\B[-/]\\b`)."""
    return {m.start() for m in re.finditer(r"\B[-/]\b", text)}


def _literal_regex(text: str, windash: bool) -> str:
    if not windash:
        return re.escape(text)
    pos = _windash_positions(text)
    return "".join("[" + re.escape(WINDASH_CHARS) + "]" if i in pos else re.escape(ch) for i, ch in enumerate(text))


def _encode_variants(value: str, mods: list[str]) -> list[str]:
    """Apply utf16/base64 encoding modifiers; returns the literal strings to look for."""
    data = value.encode("utf-8")
    if "wide" in mods or "utf16le" in mods:
        data = value.encode("utf-16-le")
    elif "utf16be" in mods:
        data = value.encode("utf-16-be")
    elif "utf16" in mods:
        data = b"\xff\xfe" + value.encode("utf-16-le")
    if "base64offset" in mods:
        starts, ends = (0, 2, 3), (None, -3, -2)
        return [base64.b64encode(i * b" " + data)[starts[i]: ends[(len(data) + i) % 3]].decode() for i in range(3)]
    if "base64" in mods:
        return [base64.b64encode(data).decode()]
    return [value]


class ValueMatcher:
    """One Sigma value under a modifier chain, compiled to a predicate on a field string."""

    def __init__(self, value, mods: list[str]):
        self.mods = mods
        self.kind = next((m for m in mods if m in ("contains", "startswith", "endswith", "re", "exists")), "equals")
        self.value = value
        flags = 0 if "cased" in mods else re.IGNORECASE
        if self.kind == "exists":
            self.regexes = []
            return
        if value is None:
            self.regexes = None
            return
        sval = str(value).lower() if isinstance(value, bool) else str(value)
        if self.kind == "re":
            rf = 0
            rf |= re.IGNORECASE if "i" in mods else 0
            rf |= re.MULTILINE if "m" in mods else 0
            rf |= re.DOTALL if "s" in mods else 0
            self.regexes = [re.compile(sval, rf)]
            return
        encoded = any(m in ENCODE_MODS for m in mods)
        variants = _encode_variants(sval, mods) if encoded else [sval]
        self.regexes = []
        for v in variants:
            if encoded:
                body = re.escape(v)  # encoded values are literal
            else:
                parts = []
                for kind, text in _sigma_tokens(v):
                    if kind == "lit":
                        parts.append(_literal_regex(text, "windash" in mods))
                    else:
                        parts.append(".*" if kind == "*" else ".")
                body = "".join(parts)
            if self.kind == "contains":
                pat = body
            elif self.kind == "startswith":
                pat = "^(?:" + body + ")"
            elif self.kind == "endswith":
                pat = "(?:" + body + ")$"
            else:
                pat = "^(?:" + body + ")$"
            self.regexes.append(re.compile(pat, flags | re.DOTALL))

    def matches(self, field_value) -> bool:
        if self.kind == "exists":
            present = field_value is not None
            return present == bool(self.value)
        if self.regexes is None:  # null: field absent or empty
            return field_value is None or field_value == ""
        if field_value is None:
            return False
        return any(r.search(field_value) for r in self.regexes)


# --------------------------------------------------------------------------- conditions
class ConditionError(Exception):
    pass


def _tokenize_condition(cond: str):
    tokens = re.findall(r"\(|\)|\||[^\s()|]+", cond)
    if "|" in tokens:
        raise ConditionError("aggregation pipes are not supported")
    return tokens


def parse_condition(cond: str, identifiers: list[str]):
    """Parse a condition into a tree; raise ConditionError on syntax or unknown identifiers.

    Returns (tree, used_identifiers)."""
    tokens = _tokenize_condition(cond)
    pos = 0
    used: set[str] = set()

    def peek():
        return tokens[pos].lower() if pos < len(tokens) else None

    def take():
        nonlocal pos
        if pos >= len(tokens):
            raise ConditionError("unexpected end of condition")
        tok = tokens[pos]
        pos += 1
        return tok

    def expr():
        node = conj()
        while peek() == "or":
            take()
            node = ("or", node, conj())
        return node

    def conj():
        node = neg()
        while peek() == "and":
            take()
            node = ("and", node, neg())
        return node

    def neg():
        if peek() == "not":
            take()
            return ("not", neg())
        return primary()

    def primary():
        tok = take()
        low = tok.lower()
        if tok == "(":
            node = expr()
            if take() != ")":
                raise ConditionError("missing closing parenthesis")
            return node
        if low in ("1", "all", "any") and peek() == "of":
            if low == "any":
                raise ConditionError("use '1 of', not 'any of'")
            take()
            target = take()
            if target.lower() == "them":
                names = [i for i in identifiers if not i.startswith("_")]
            else:
                if not re.fullmatch(r"[A-Za-z0-9_*]+", target):
                    raise ConditionError(f"bad pattern {target!r}")
                rx = re.compile("^" + re.escape(target).replace(r"\*", ".*") + "$")
                names = [i for i in identifiers if rx.match(i)]
            if not names:
                raise ConditionError(f"'{tok} of {target}' matches no identifier")
            used.update(names)
            return ("of", "all" if low == "all" else "1", names)
        if tok in (")", "and", "or", "not") or low in ("and", "or", "not", "of"):
            raise ConditionError(f"unexpected {tok!r}")
        if not IDENT_RE.match(tok):
            raise ConditionError(f"bad identifier {tok!r}")
        if tok not in identifiers:
            raise ConditionError(f"unknown identifier {tok!r}")
        used.add(tok)
        return ("id", tok)

    tree = expr()
    if pos != len(tokens):
        raise ConditionError(f"unexpected {tokens[pos]!r}")
    return tree, used


def eval_condition(tree, results: dict[str, bool]) -> bool:
    op = tree[0]
    if op == "id":
        return results[tree[1]]
    if op == "not":
        return not eval_condition(tree[1], results)
    if op == "and":
        return eval_condition(tree[1], results) and eval_condition(tree[2], results)
    if op == "or":
        return eval_condition(tree[1], results) or eval_condition(tree[2], results)
    if op == "of":
        vals = [results[n] for n in tree[2]]
        return all(vals) if tree[1] == "all" else any(vals)
    raise AssertionError(op)


# --------------------------------------------------------------------------- detection
class Selection:
    """A compiled search identifier: a mapping (AND of fields), a list of mappings (OR) or keywords."""

    def __init__(self, name: str, body, errors: list[str]):
        self.name = name
        self.alternatives = []  # list of list of (field, matchers, all)
        self.keywords = None
        if isinstance(body, dict):
            self.alternatives.append(self._compile_map(body, errors))
        elif isinstance(body, list) and body and all(isinstance(x, dict) for x in body):
            for m in body:
                self.alternatives.append(self._compile_map(m, errors))
        elif isinstance(body, list) and body and all(isinstance(x, (str, int)) for x in body):
            self.keywords = [ValueMatcher(str(x), ["contains"]) for x in body]
        else:
            errors.append(f"detection.{name}: must be a mapping, a list of mappings or a list of keywords")

    def _compile_map(self, m: dict, errors: list[str]):
        out = []
        if not m:
            errors.append(f"detection.{self.name}: empty mapping")
        for key, value in m.items():
            if not isinstance(key, str):
                errors.append(f"detection.{self.name}: non-string key {key!r}")
                continue
            field, *mods = key.split("|")
            where = f"detection.{self.name}.{key}"
            if field not in FIELDS:
                errors.append(f"{where}: field {field!r} is not one of {sorted(FIELDS)}")
            unknown = [x for x in mods if x not in KNOWN_MODS]
            if unknown:
                errors.append(f"{where}: unknown modifier(s) {unknown}")
                continue
            kinds = [x for x in mods if x in MATCH_MODS]
            if len(kinds) > 1:
                errors.append(f"{where}: more than one match modifier {kinds}")
            if len(set(mods)) != len(mods):
                errors.append(f"{where}: repeated modifier")
            if any(x in ("i", "m", "s") for x in mods) and "re" not in mods:
                errors.append(f"{where}: i/m/s need the re modifier")
            if any(x in UTF16_MODS for x in mods) and not any(x in ENCODE_MODS for x in mods):
                errors.append(f"{where}: utf16/wide modifiers need base64 or base64offset")
            if "re" in mods and any(x in ENCODE_MODS | {"windash"} for x in mods):
                errors.append(f"{where}: re cannot be combined with encoding or windash")
            values = value if isinstance(value, list) else [value]
            is_all = "all" in mods
            if is_all and (not isinstance(value, list) or len(value) < 2):
                errors.append(f"{where}: 'all' needs a list of at least two values")
            if isinstance(value, list) and not value:
                errors.append(f"{where}: empty value list")
            matchers = []
            for v in values:
                if isinstance(v, (dict, list)):
                    errors.append(f"{where}: nested value {v!r}")
                    continue
                if isinstance(v, str) and v == "":
                    errors.append(f"{where}: empty string value")
                if "re" in mods:
                    problem = rust_regex_problem(str(v))
                    if problem:
                        errors.append(f"{where}: regex {v!r} uses a {problem}, which the engine's regex crate does not support")
                    try:
                        re.compile(str(v))
                    except re.error as e:
                        errors.append(f"{where}: regex {v!r} does not compile: {e}")
                        continue
                if "exists" in mods and not isinstance(v, bool):
                    errors.append(f"{where}: exists takes true or false")
                try:
                    matchers.append(ValueMatcher(v, mods))
                except re.error as e:
                    errors.append(f"{where}: value {v!r}: {e}")
            out.append((field, matchers, is_all))
        return out

    def matches(self, event: dict[str, str]) -> bool:
        if self.keywords is not None:
            texts = [v for v in event.values() if v is not None]
            return any(k.matches(t) for k in self.keywords for t in texts)
        for alt in self.alternatives:
            ok = True
            for field, matchers, is_all in alt:
                fv = event.get(field.lower())
                hits = [m.matches(fv) for m in matchers]
                if not (all(hits) if is_all else any(hits)):
                    ok = False
                    break
            if ok:
                return True
        return False


# --------------------------------------------------------------------------- samples → events
def first_token(cmdline: str) -> str:
    s = cmdline.lstrip()
    if s.startswith('"'):
        end = s.find('"', 1)
        return s[1:end] if end != -1 else s[1:]
    return s.split(None, 1)[0] if s.split() else ""


def sample_event(sample) -> dict[str, str]:
    if isinstance(sample, str):
        fields = {"CommandLine": sample}
    else:
        fields = dict(sample)
    ev = {k.lower(): v for k, v in fields.items()}
    cmd = ev.get("commandline")
    if "image" not in ev and cmd is not None:
        ev["image"] = first_token(cmd)
    if "originalfilename" not in ev and ev.get("image"):
        ev["originalfilename"] = re.split(r"[\\/]", ev["image"])[-1]
    return ev


def sample_label(sample) -> str:
    return sample if isinstance(sample, str) else json.dumps(sample, ensure_ascii=False)


# --------------------------------------------------------------------------- rule checking
class Rule:
    def __init__(self, path: str, product_dir: str):
        self.path = path
        self.product_dir = product_dir
        self.stem = os.path.splitext(os.path.basename(path))[0]
        self.errors: list[str] = []
        self.doc = None
        self.selections: dict[str, Selection] = {}
        self.condition = None
        self.techniques: list[str] = []
        self.tactics: list[str] = []

    def err(self, msg: str):
        self.errors.append(msg)

    def matches(self, event) -> bool:
        results = {n: s.matches(event) for n, s in self.selections.items()}
        return eval_condition(self.condition, results)


def check_rule(rule: Rule, attack: Attack):
    if not STEM_RE.match(rule.stem):
        rule.err(f"file name must look like proc_creation_{{win,lnx,macos}}_<lower_snake_name>.yml")
    elif rule.stem.split("_")[2] != PLATFORM_DIRS[rule.product_dir]:
        rule.err(f"file name prefix does not match folder {rule.product_dir}/")
    try:
        with open(rule.path, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=UniqueKeyLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        rule.err(f"YAML: {e}")
        return
    if not isinstance(doc, dict):
        rule.err("top level must be a mapping")
        return
    rule.doc = doc
    for k in REQUIRED:
        if k not in doc:
            rule.err(f"missing required field {k!r}")
    for k in doc:
        if k not in ALLOWED_TOP:
            rule.err(f"unknown top-level field {k!r}")

    title = doc.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > 256:
        rule.err("title must be a non-empty string of at most 256 characters")
    expected = str(uuid.uuid5(uuid.NAMESPACE_URL, ID_PREFIX + rule.stem))
    if doc.get("id") != expected:
        rule.err(f"id must be uuid5(NAMESPACE_URL, {ID_PREFIX + rule.stem!r}) = {expected}, found {doc.get('id')!r}")
    if doc.get("status") not in STATUSES:
        rule.err(f"status must be one of {sorted(STATUSES)}")
    desc = doc.get("description")
    if not isinstance(desc, str) or len(desc.strip()) < 20:
        rule.err("description must be a sentence or two")
    if doc.get("author") != "ttpmap":
        rule.err("author must be 'ttpmap'")
    for key in ("date", "modified"):
        if key not in doc:
            continue
        d = doc[key]
        if isinstance(d, datetime.date):
            continue
        try:
            datetime.date.fromisoformat(str(d))
        except ValueError:
            rule.err(f"{key} must be a YYYY-MM-DD date")
    fps = doc.get("falsepositives")
    if not isinstance(fps, list) or not fps or not all(isinstance(x, str) and x.strip() for x in fps):
        rule.err("falsepositives must be a non-empty list of strings")
    if doc.get("level") not in LEVELS:
        rule.err(f"level must be one of {LEVELS}")

    ls = doc.get("logsource")
    if not isinstance(ls, dict):
        rule.err("logsource must be a mapping")
    else:
        if ls.get("product") != rule.product_dir:
            rule.err(f"logsource.product must be {rule.product_dir!r} (the folder), found {ls.get('product')!r}")
        if ls.get("category") != "process_creation":
            rule.err("logsource.category must be process_creation")
        extra = set(ls) - {"product", "category", "service", "definition"}
        if extra:
            rule.err(f"logsource: unexpected keys {sorted(extra)}")

    check_tags(rule, doc.get("tags"), attack)
    check_detection(rule, doc.get("detection"))


def check_tags(rule: Rule, tags, attack: Attack):
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
        rule.err("tags must be a non-empty list of strings")
        return
    if len(set(tags)) != len(tags):
        rule.err("duplicate tags")
    techs, tactics = [], []
    known_tactics = set(attack.tactic_order)
    for t in tags:
        if t != t.lower():
            rule.err(f"tag {t!r} must be lower case")
        m = TECH_TAG_RE.match(t)
        if m:
            tid = "T" + m.group(1) + (m.group(2) or "")
            if tid in attack.current:
                techs.append(tid)
            elif tid in attack.dead:
                rule.err(f"tag {t}: {tid} is {attack.dead[tid]} in this ATT&CK release")
            else:
                rule.err(f"tag {t}: {tid} does not exist in this ATT&CK release")
            continue
        if t.startswith("attack."):
            name = t[len("attack."):].replace("-", "_")
            if name in known_tactics:
                tactics.append(name)
            elif OTHER_ATTACK_TAG_RE.match(t):
                pass
            else:
                rule.err(f"tag {t}: not a tactic, technique, group or software of this ATT&CK release")
        elif not re.match(r"^(cve|car|detection|tlp)\.", t):
            rule.err(f"tag {t}: unknown namespace")
    if not techs and not any(e.startswith("tag ") for e in rule.errors):
        rule.err("at least one attack.tNNNN technique tag is required")
    for tac in tactics:
        if not any(tac in attack.current[x]["tactics"] for x in techs):
            rule.err(f"tactic attack.{tac} belongs to none of the tagged techniques {techs}")
    for x in techs:
        if not set(attack.current[x]["tactics"]) & set(tactics):
            want = ", ".join("attack." + y for y in attack.current[x]["tactics"])
            rule.err(f"technique {x} needs one of its tactics tagged ({want})")
    rule.techniques, rule.tactics = techs, tactics


def check_detection(rule: Rule, det):
    if not isinstance(det, dict):
        rule.err("detection must be a mapping")
        return
    cond = det.get("condition")
    if not isinstance(cond, str) or not cond.strip():
        rule.err("detection.condition must be a single non-empty string")
        return
    idents = [k for k in det if k != "condition"]
    if not idents:
        rule.err("detection needs at least one search identifier")
        return
    for name in idents:
        if not isinstance(name, str) or not IDENT_RE.match(name):
            rule.err(f"detection: bad identifier {name!r}")
            continue
        errs: list[str] = []
        rule.selections[name] = Selection(name, det[name], errs)
        for e in errs:
            rule.err(e)
    try:
        tree, used = parse_condition(cond, [i for i in idents if isinstance(i, str)])
    except ConditionError as e:
        rule.err(f"detection.condition: {e}")
        return
    unused = sorted(set(rule.selections) - used)
    if unused:
        rule.err(f"detection: identifiers never used by the condition: {unused}")
    rule.condition = tree


def check_samples(rules: dict[str, Rule], path: str, problems: list[str]):
    stats = collections.Counter()
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        problems.append(f"{path}: {e}")
        return stats
    if not isinstance(data, list):
        problems.append(f"{path}: must be a JSON list")
        return stats
    seen = set()
    for i, entry in enumerate(data):
        where = f"{os.path.basename(path)}[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("rule"), str):
            problems.append(f"{where}: each entry needs a 'rule' string")
            continue
        extra = set(entry) - {"rule", "match", "nomatch"}
        if extra:
            problems.append(f"{where}: unexpected keys {sorted(extra)}")
        name = entry["rule"]
        where = f"{os.path.basename(path)} ({name})"
        if name in seen:
            problems.append(f"{where}: duplicate entry")
        seen.add(name)
        rule = rules.get(name)
        if rule is None:
            problems.append(f"{where}: no such rule")
            continue
        pos, neg = entry.get("match", []), entry.get("nomatch", [])
        if not isinstance(pos, list) or not pos:
            problems.append(f"{where}: needs at least one positive sample in 'match'")
            pos = []
        if not isinstance(neg, list):
            problems.append(f"{where}: 'nomatch' must be a list")
            neg = []
        if rule.errors or rule.condition is None:
            continue  # already reported; evaluation would be meaningless
        for want, samples in ((True, pos), (False, neg)):
            for s in samples:
                if not (isinstance(s, str) or (isinstance(s, dict) and isinstance(s.get("CommandLine"), str)
                                               and all(isinstance(v, str) for v in s.values()))):
                    problems.append(f"{where}: sample must be a string or an object of string fields with CommandLine: {s!r}")
                    continue
                got = rule.matches(sample_event(s))
                stats["positive" if want else "negative"] += 1
                if got != want:
                    what = "does not match" if want else "matches but should not"
                    problems.append(f"{where}: sample {what}: {sample_label(s)}")
    for name in sorted(set(rules) - seen):
        problems.append(f"{os.path.basename(path)}: rule {name} has no samples")
    return stats


# --------------------------------------------------------------------------- summary
def summarize(rules: list[Rule], attack: Attack) -> str:
    plats = list(PLATFORM_DIRS)
    per_plat = {p: set() for p in plats}
    rule_count = collections.Counter()
    levels = {p: collections.Counter() for p in plats}
    per_tactic = {p: collections.defaultdict(set) for p in plats}
    for r in rules:
        p = r.product_dir
        rule_count[p] += 1
        levels[p][r.doc.get("level")] += 1
        per_plat[p].update(r.techniques)
        for t in r.techniques:
            for tac in r.tactics:
                if tac in attack.current[t]["tactics"]:
                    per_tactic[p][tac].add(t)
    overall = set().union(*per_plat.values())
    lines = ["| | " + " | ".join(plats) + " | all |", "|---|" + "---:|" * (len(plats) + 1)]
    lines.append("| rules | " + " | ".join(str(rule_count[p]) for p in plats) + f" | {sum(rule_count.values())} |")
    lines.append("| distinct techniques and sub-techniques | " + " | ".join(str(len(per_plat[p])) for p in plats) + f" | {len(overall)} |")
    parents = {t.split(".")[0] for t in overall}
    lines.append("| distinct parent techniques covered | " + " | ".join(str(len({t.split('.')[0] for t in per_plat[p]})) for p in plats) + f" | {len(parents)} |")
    for lv in LEVELS:
        lines.append(f"| rules at level {lv} | " + " | ".join(str(levels[p][lv]) for p in plats) + f" | {sum(levels[p][lv] for p in plats)} |")
    lines += ["", "Distinct techniques per tactic (a technique counts under each tactic a rule tags it with):", "",
              "| tactic | " + " | ".join(plats) + " | all |", "|---|" + "---:|" * (len(plats) + 1)]
    for tac in attack.tactic_order:
        allt = set().union(*(per_tactic[p][tac] for p in plats))
        if not allt:
            continue
        lines.append(f"| {tac} | " + " | ".join(str(len(per_tactic[p][tac])) for p in plats) + f" | {len(allt)} |")
    return "\n".join(lines) + "\n"


def update_readme(path: str, text: str) -> bool:
    with open(path, encoding="utf-8") as f:
        content = f.read()
    start, end = "<!-- summary:start -->", "<!-- summary:end -->"
    a, b = content.find(start), content.find(end)
    if a == -1 or b == -1 or b < a:
        return False
    new = content[: a + len(start)] + "\n" + text + content[b:]
    if new != content:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
    return True


# --------------------------------------------------------------------------- main
def resolve(path: str) -> str:
    if os.path.isabs(path) or os.path.exists(path):
        return path
    alt = os.path.join(REPO, path)
    return alt if os.path.exists(alt) else path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("attack", nargs="?", default=DEFAULT_ATTACK, help="ATT&CK Enterprise STIX bundle")
    ap.add_argument("--rules", default=os.path.join(REPO, "crates", "mapper", "rules"))
    ap.add_argument("--samples", default=None, help="samples file (default: <rules>/samples.json)")
    ap.add_argument("--min-techniques", type=int, default=150)
    ap.add_argument("--summary", action="store_true", help="print the counts as Markdown")
    ap.add_argument("--readme", default=None, help="rewrite the summary block of this README")
    args = ap.parse_args(argv)

    attack_path = resolve(args.attack)
    try:
        attack = Attack(attack_path)
    except (OSError, json.JSONDecodeError) as e:
        print(f"check-default-rules: cannot read ATT&CK bundle {attack_path}: {e}", file=sys.stderr)
        return 1

    rules: list[Rule] = []
    problems: list[str] = []
    for pdir in PLATFORM_DIRS:
        d = os.path.join(args.rules, pdir)
        if not os.path.isdir(d):
            problems.append(f"{d}: missing folder")
            continue
        for name in sorted(os.listdir(d)):
            full = os.path.join(d, name)
            if name.endswith(".yaml"):
                problems.append(f"{full}: use the .yml extension")
            if not name.endswith(".yml"):
                continue
            rule = Rule(full, pdir)
            check_rule(rule, attack)
            rules.append(rule)
    stray = [f for f in os.listdir(args.rules) if f.endswith((".yml", ".yaml"))] if os.path.isdir(args.rules) else []
    for f in stray:
        problems.append(f"{os.path.join(args.rules, f)}: rules belong in windows/, linux/ or macos/")

    by_id, by_title = collections.defaultdict(list), collections.defaultdict(list)
    for r in rules:
        if r.doc:
            by_id[str(r.doc.get("id"))].append(r.stem)
            by_title[(r.product_dir, str(r.doc.get("title")))].append(r.stem)
    for k, v in by_id.items():
        if len(v) > 1:
            problems.append(f"duplicate id {k}: {v}")
    for (p, t), v in by_title.items():
        if len(v) > 1:
            problems.append(f"duplicate {p} title {t!r}: {v}")

    for r in rules:
        rel = os.path.relpath(r.path, REPO)
        problems.extend(f"{rel}: {e}" for e in r.errors)

    by_stem = {r.stem: r for r in rules}
    if len(by_stem) != len(rules):
        problems.append("two rules share a file stem")
    stats = check_samples(by_stem, args.samples or os.path.join(args.rules, "samples.json"), problems)

    per_plat = {p: set() for p in PLATFORM_DIRS}
    for r in rules:
        per_plat[r.product_dir].update(r.techniques)
    overall = set().union(*per_plat.values())
    if len(overall) < args.min_techniques:
        problems.append(f"only {len(overall)} distinct techniques overall; at least {args.min_techniques} required")

    for p in problems:
        print(p)
    counts = ", ".join(f"{p} {sum(1 for r in rules if r.product_dir == p)}" for p in PLATFORM_DIRS)
    techs = ", ".join(f"{p} {len(per_plat[p])}" for p in PLATFORM_DIRS)
    print(f"rules: {len(rules)} ({counts})")
    print(f"distinct ATT&CK techniques/sub-techniques: {len(overall)} overall ({techs}); "
          f"release {os.path.basename(attack_path)}")
    print(f"samples evaluated: {stats['positive']} positive, {stats['negative']} negative")
    if args.summary or args.readme:
        text = summarize([r for r in rules if r.doc], attack)
        if args.summary:
            print()
            print(text, end="")
        if args.readme and not update_readme(args.readme, text):
            problems.append(f"{args.readme}: no <!-- summary:start --> / <!-- summary:end --> block")
            print(problems[-1])
    print("FAILED: %d problem(s)" % len(problems) if problems else "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
