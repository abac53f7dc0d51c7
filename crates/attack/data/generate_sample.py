#!/usr/bin/env python3
"""Generate the embedded ttpmap sample knowledge base (sample-enterprise.json).

Reads the official ATT&CK Enterprise 18.1 STIX 2.1 bundle and writes a small,
deterministic subset of it.  Only identifiers, names, aliases, platforms,
kill-chain phases, dates, versions and the existence of relationships are taken
from ATT&CK.  Every description-like text (object and relationship
`description`, non-empty `x_mitre_detection`, analytic descriptions, mutable
element descriptions, campaign citations) is replaced by a short sentence
written by the ttpmap project.  External references other than the
`mitre-attack` entry are dropped, as are `x_mitre_contributors`.  To keep the
file small, `uses` and `mitigates` relationships are capped per source object
(see USES_CAP / GROUP_USES_TOTAL / MITIGATES_CAP) and data components keep only
the `x_mitre_log_sources` entries that the selected analytics reference.

Usage:
    python3 generate_sample.py [PATH_TO_enterprise-attack-18.1.json] [-o OUT]

Standard library only.  Exits non-zero if any reference inside the sample
does not resolve to an object of the sample.
"""

import argparse
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_INPUT = os.path.join(
    HERE, "..", "..", "..", "..", "shared", "attack-stix", "enterprise-attack-18.1.json"
)
DEFAULT_OUTPUT = os.path.join(HERE, "sample-enterprise.json")

BUNDLE_ID = "bundle--6f1f3c5e-5b7a-4c2a-9a43-0f1d2b8f9e01"
COLLECTION_NAME = "Enterprise ATT&CK (ttpmap sample)"
COLLECTION_DESCRIPTION = (
    "A small sample of ATT&CK Enterprise 18.1 identifiers, names and relationships "
    "with descriptions written by the ttpmap project."
)
MATRIX_DESCRIPTION = "The Enterprise tactics in matrix order, as used by the ttpmap sample."
CITATION = "(Citation: ttpmap sample)"

# Caps that keep the file small: `uses` relationships kept per source object
# (by source type and target kind), the total per group, and `mitigates`
# relationships per mitigation.
USES_CAP = {
    ("intrusion-set", "software"): 4,
    ("intrusion-set", "technique"): 6,
    ("malware", "technique"): 3,
    ("tool", "technique"): 2,
    ("campaign", "software"): 4,
    ("campaign", "technique"): 2,
}
GROUP_USES_TOTAL = 8
MITIGATES_CAP = 3

# Well-known `uses` pairs (source ATT&CK id, target ATT&CK id) that are kept
# first, so examples can rely on them; all exist in ATT&CK 18.1.
PREFERRED_USES = {
    ("G0007", "S0023"),
    ("G0007", "T1059.001"),
    ("G0007", "T1566.001"),
    ("G0016", "T1566.002"),
    ("G0032", "S0366"),
    ("G0034", "S0368"),
    ("G0034", "T1486"),
    ("G0046", "T1566.001"),
    ("G0102", "S0266"),
    ("G0102", "S0446"),
    ("S0002", "T1003.001"),
    ("S0154", "T1059.001"),
    ("S0446", "T1486"),
}

# ---------------------------------------------------------------------------
# Selection, with descriptions written by the ttpmap project.
# ---------------------------------------------------------------------------

TACTICS = {
    "reconnaissance": "Techniques for gathering information used to plan later operations.",
    "resource-development": "Techniques for setting up infrastructure, accounts and tools for an operation.",
    "initial-access": "Techniques for getting a first foothold inside a target network.",
    "execution": "Techniques that result in adversary-controlled code running on a system.",
    "persistence": "Techniques for keeping access across reboots, logoffs and credential changes.",
    "privilege-escalation": "Techniques for gaining higher permissions on a system or network.",
    "defense-evasion": "Techniques for avoiding detection by defenders and security tools.",
    "credential-access": "Techniques for stealing account names, passwords and other secrets.",
    "discovery": "Techniques for learning about hosts, accounts and the network after access.",
    "lateral-movement": "Techniques for moving from one system to another inside a network.",
    "collection": "Techniques for gathering the data an operation is interested in.",
    "command-and-control": "Techniques for communicating with and controlling compromised systems.",
    "exfiltration": "Techniques for moving stolen data out of the target network.",
    "impact": "Techniques for disrupting, destroying or tampering with systems and data.",
}

TECHNIQUES = {
    "T1005": "Adversaries collect files and other data of interest from local file systems.",
    "T1003": "Adversaries obtain account credentials that the operating system stores.",
    "T1003.001": "Adversaries read the memory of the LSASS process to obtain credentials.",
    "T1018": "Adversaries look for other systems on the network by name or address.",
    "T1021": "Adversaries log in to remote services with valid accounts to reach other systems.",
    "T1021.001": "Adversaries use Remote Desktop Protocol sessions to reach other systems.",
    "T1027": "Adversaries encode, encrypt or pack files and data so that they are harder to analyse.",
    "T1036": "Adversaries make malicious files or activity look like something legitimate.",
    "T1041": "Adversaries send stolen data out over their existing command and control channel.",
    "T1053": "Adversaries use task scheduling facilities to run code at chosen times.",
    "T1053.005": "Adversaries use the Windows Task Scheduler to run code.",
    "T1055": "Adversaries run their code inside the address space of another process.",
    "T1057": "Adversaries list the processes that are running on a host.",
    "T1059": "Adversaries run commands or scripts through an interpreter present on the system.",
    "T1059.001": "Adversaries run PowerShell commands and scripts on Windows hosts.",
    "T1059.003": "Adversaries run commands through cmd.exe or batch files on Windows hosts.",
    "T1059.004": "Adversaries run commands through a Unix shell such as sh or bash.",
    "T1070": "Adversaries delete or alter artifacts to remove traces of their activity.",
    "T1070.004": "Adversaries delete files they created or dropped on a host.",
    "T1071": "Adversaries hide command and control traffic inside common application protocols.",
    "T1071.001": "Adversaries carry command and control traffic over web protocols such as HTTPS.",
    "T1078": "Adversaries sign in with legitimate account credentials they have obtained.",
    "T1082": "Adversaries gather details about the operating system and hardware of a host.",
    "T1083": "Adversaries list files and directories to find information of interest.",
    "T1105": "Adversaries copy tools or files from an outside system into the target environment.",
    "T1110": "Adversaries try many passwords to get into accounts.",
    "T1112": "Adversaries change Windows Registry values to hide data or alter system behaviour.",
    "T1133": "Adversaries use remote access services such as VPNs to enter a network.",
    "T1190": "Adversaries exploit a flaw in an internet-facing application to get in.",
    "T1204": "Adversaries rely on a user taking an action that runs their code.",
    "T1204.002": "Adversaries rely on a user opening a malicious file.",
    "T1486": "Adversaries encrypt data on target systems to make it unavailable.",
    "T1490": "Adversaries delete or disable backups and recovery features to prevent restoration.",
    "T1547": "Adversaries configure settings so that their code runs automatically at boot or logon.",
    "T1547.001": "Adversaries add Registry run keys or Startup folder entries so their code runs at logon.",
    "T1548": "Adversaries circumvent the controls that govern privilege elevation.",
    "T1548.002": "Adversaries bypass User Account Control to run code with higher privileges.",
    "T1560": "Adversaries compress or encrypt collected data before taking it out.",
    "T1566": "Adversaries send deceptive messages to trick recipients into giving them access.",
    "T1566.001": "Adversaries send messages with a malicious file attached.",
    "T1566.002": "Adversaries send messages containing a link to malicious content.",
    "T1569": "Adversaries use system services or daemons to run commands or programs.",
    "T1569.002": "Adversaries create or start Windows services to run commands or programs.",
    "T1583": "Adversaries buy, lease or rent infrastructure for use in their operations.",
    "T1588": "Adversaries buy, download or steal capabilities such as malware and exploits.",
    "T1595": "Adversaries probe target infrastructure with network scans.",
    "T1595.002": "Adversaries scan target systems for known vulnerabilities.",
}

# One revoked technique (its revoked-by target must be selected) and one
# deprecated technique.
REVOKED_TECHNIQUE = "T1086"
DEPRECATED_TECHNIQUE = "T1064"
SPECIAL_TECHNIQUES = {
    "T1086": "Revoked entry for PowerShell use; see PowerShell (T1059.001).",
    "T1064": "Deprecated entry for running scripts; use Command and Scripting Interpreter (T1059) instead.",
}

GROUPS = {
    "G0007": "Espionage group that public reporting attributes to Russia's GRU military intelligence.",
    "G0010": "Long-running espionage group that public reporting attributes to Russia's FSB.",
    "G0016": "Espionage group that public reporting attributes to Russia's SVR foreign intelligence service.",
    "G0032": "Threat group that public reporting attributes to North Korea.",
    "G0034": "Destructive threat group that public reporting attributes to Russia's GRU.",
    "G0046": "Financially motivated group known for attacks on retail, restaurant and hospitality targets.",
    "G0102": "Financially motivated group known for TrickBot and Ryuk ransomware operations.",
}

SOFTWARE = {
    "S0002": "Open-source tool for extracting credentials from Windows systems.",
    "S0023": "Modular backdoor associated with APT28.",
    "S0029": "Sysinternals utility that runs programs on remote Windows hosts.",
    "S0039": "Windows utility for managing users, groups, shares and services from the command line.",
    "S0154": "Commercial adversary simulation framework that is also abused by threat actors.",
    "S0266": "Modular banking trojan later used to load other malware.",
    "S0363": "Open-source post-exploitation framework built on PowerShell and Python.",
    "S0366": "Self-spreading ransomware family first seen in 2017.",
    "S0368": "Destructive malware disguised as ransomware, first seen in 2017.",
    "S0446": "Ransomware family used against enterprise networks.",
}

MITIGATIONS = {
    "M1017": "Teach users to recognise and report suspicious messages and activity.",
    "M1018": "Control how user accounts are created, used and granted permissions.",
    "M1026": "Limit, separate and monitor the use of privileged accounts.",
    "M1031": "Inspect network traffic and block known malicious patterns.",
    "M1032": "Require more than one authentication factor for sign-in.",
    "M1038": "Block unapproved programs, scripts and libraries from running.",
    "M1040": "Use endpoint controls that block suspicious patterns of behaviour.",
    "M1042": "Remove or turn off software and features that are not needed.",
    "M1049": "Use signature and behaviour based tools to detect and block malicious software.",
    "M1053": "Keep tested offline backups of important data.",
}

CAMPAIGNS = {
    "C0022": "Campaign that used fake job offers to approach employees of defence and aerospace companies.",
    "C0024": "Supply chain intrusion campaign delivered through a trojanized software update.",
    "C0051": "Campaign that reached its target network through a nearby organisation's wireless network.",
}

DATA_SOURCES = {
    "DS0009": "Information about programs running on a host.",
    "DS0017": "Commands and arguments entered through interpreters and shells.",
    "DS0022": "Information about files and file system activity.",
    "DS0024": "Information about the Windows Registry configuration store.",
    "DS0029": "Data about traffic sent across a network.",
}

# Techniques whose detection strategies (and their analytics) are included.
DETECTED_TECHNIQUES = [
    "T1003.001",
    "T1021.001",
    "T1053.005",
    "T1059.001",
    "T1059.003",
    "T1112",
    "T1547.001",
    "T1548.002",
    "T1569.002",
    "T1595.002",
]

KEPT_RELATIONSHIPS = {"uses", "mitigates", "subtechnique-of", "detects", "attributed-to", "revoked-by"}

# ---------------------------------------------------------------------------


def fail(msg):
    sys.stderr.write("generate_sample.py: error: " + msg + "\n")
    sys.exit(1)


def attack_id(obj):
    for ref in obj.get("external_references", []) or []:
        if ref.get("source_name") == "mitre-attack":
            return ref.get("external_id")
    return None


def mitre_ref_only(refs):
    out = []
    for ref in refs:
        if ref.get("source_name") == "mitre-attack":
            out.append({k: v for k, v in ref.items() if k in ("source_name", "url", "external_id")})
    return out


def label(obj):
    """Name plus ATT&CK id, e.g. "PowerShell (T1059.001)"."""
    aid = attack_id(obj)
    return "%s (%s)" % (obj["name"], aid) if aid else obj["name"]


def lookup(index, otype_set, aid):
    hits = [o for o in index.get(aid, []) if o["type"] in otype_set]
    if len(hits) != 1:
        fail("expected exactly one %s with ATT&CK id %s, found %d" % ("/".join(sorted(otype_set)), aid, len(hits)))
    return hits[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", nargs="?", default=DEFAULT_INPUT, help="enterprise-attack-18.1.json")
    ap.add_argument("-o", "--output", default=DEFAULT_OUTPUT, help="output file (default: sample-enterprise.json beside this script)")
    args = ap.parse_args()

    with open(args.input, encoding="utf-8") as fh:
        source = json.load(fh)
    objects = source["objects"]
    by_id = {o["id"]: o for o in objects}
    by_aid = collections.defaultdict(list)
    for o in objects:
        aid = attack_id(o)
        if aid:
            by_aid[aid].append(o)
    relationships = [o for o in objects if o["type"] == "relationship"]

    def live(o):
        return not o.get("revoked", False) and not o.get("x_mitre_deprecated", False)

    selected = {}  # stix id -> source object
    descriptions = {}  # stix id -> our description

    def select(obj, desc=None):
        selected[obj["id"]] = obj
        if desc is not None:
            descriptions[obj["id"]] = desc

    # Fixed infrastructure objects.
    collection = [o for o in objects if o["type"] == "x-mitre-collection"]
    matrices = [o for o in objects if o["type"] == "x-mitre-matrix"]
    if len(collection) != 1 or len(matrices) != 1:
        fail("expected one x-mitre-collection and one x-mitre-matrix")
    collection, matrix = collection[0], matrices[0]
    select(matrix, MATRIX_DESCRIPTION)

    # Tactics: all 14, in matrix order.
    tactics = [by_id[t] for t in matrix["tactic_refs"]]
    shortnames = {t["x_mitre_shortname"] for t in tactics}
    if shortnames != set(TACTICS):
        fail("tactic shortnames differ from the expected 14: %s" % sorted(shortnames ^ set(TACTICS)))
    for t in tactics:
        select(t, TACTICS[t["x_mitre_shortname"]])

    # Techniques.
    techniques = {}
    for aid, desc in sorted(TECHNIQUES.items()):
        o = lookup(by_aid, {"attack-pattern"}, aid)
        if not live(o):
            fail("technique %s is revoked or deprecated" % aid)
        techniques[aid] = o
        select(o, desc)
    for aid in sorted(techniques):
        if "." in aid and aid.split(".")[0] not in techniques:
            fail("sub-technique %s selected without its parent" % aid)
    revoked = lookup(by_aid, {"attack-pattern"}, REVOKED_TECHNIQUE)
    if not revoked.get("revoked"):
        fail("%s is not revoked" % REVOKED_TECHNIQUE)
    targets = [r["target_ref"] for r in relationships
               if r["relationship_type"] == "revoked-by" and r["source_ref"] == revoked["id"]]
    if len(targets) != 1 or targets[0] not in selected:
        fail("revoked-by target of %s is not among the selected techniques" % REVOKED_TECHNIQUE)
    select(revoked, SPECIAL_TECHNIQUES[REVOKED_TECHNIQUE])
    deprecated = lookup(by_aid, {"attack-pattern"}, DEPRECATED_TECHNIQUE)
    if not deprecated.get("x_mitre_deprecated") or deprecated.get("revoked"):
        fail("%s is not a deprecated (non-revoked) technique" % DEPRECATED_TECHNIQUE)
    select(deprecated, SPECIAL_TECHNIQUES[DEPRECATED_TECHNIQUE])

    # Every tactic needs at least one live technique.
    covered = {k["phase_name"] for o in techniques.values() for k in o["kill_chain_phases"]
               if k["kill_chain_name"] == "mitre-attack"}
    if covered != shortnames:
        fail("tactics without a selected technique: %s" % sorted(shortnames - covered))

    for table, types in ((GROUPS, {"intrusion-set"}), (SOFTWARE, {"malware", "tool"}),
                         (MITIGATIONS, {"course-of-action"}), (CAMPAIGNS, {"campaign"}),
                         (DATA_SOURCES, {"x-mitre-data-source"})):
        for aid, desc in sorted(table.items()):
            o = lookup(by_aid, types, aid)
            if o.get("revoked"):
                fail("%s is revoked" % aid)
            select(o, desc)

    # Detection strategies, analytics and the data components they reference.
    technique_ids = {o["id"]: aid for aid, o in techniques.items()}
    analytic_technique = {}
    for r in relationships:
        if r["relationship_type"] != "detects" or not live(r):
            continue
        aid = technique_ids.get(r["target_ref"])
        if aid not in DETECTED_TECHNIQUES:
            continue
        strategy = by_id[r["source_ref"]]
        if not live(strategy):
            continue
        select(strategy)  # detection strategies carry no description
        for a in strategy["x_mitre_analytic_refs"]:
            analytic = by_id[a]
            if analytic.get("revoked") or analytic.get("x_mitre_deprecated"):
                fail("analytic %s of %s is revoked or deprecated" % (a, attack_id(strategy)))
            analytic_technique[a] = techniques[aid]
            select(analytic)
            for ls in analytic.get("x_mitre_log_source_references", []):
                select(by_id[ls["x_mitre_data_component_ref"]])
    detected = {technique_ids[r["target_ref"]] for r in relationships
                if r["relationship_type"] == "detects" and r["source_ref"] in selected}
    if detected != set(DETECTED_TECHNIQUES):
        fail("no detection strategy found for %s" % sorted(set(DETECTED_TECHNIQUES) - detected))

    for m in sorted(MITIGATIONS):
        mid = lookup(by_aid, {"course-of-action"}, m)["id"]
        if not any(r["relationship_type"] == "mitigates" and r["source_ref"] == mid
                   and r["target_ref"] in selected for r in relationships):
            fail("mitigation %s mitigates none of the selected techniques" % m)

    # The identity and marking definitions referenced by selected objects.
    def select_refs():
        for o in list(selected.values()) + [collection]:
            for ref in [o.get("created_by_ref"), o.get("x_mitre_modified_by_ref")] + o.get("object_marking_refs", []):
                if ref and ref not in selected:
                    if ref not in by_id:
                        fail("%s references unknown %s" % (o["id"], ref))
                    select(by_id[ref])
    select_refs()
    select_refs()  # the identity and the marking reference each other

    # Relationships among selected objects.
    def sort_key(o):
        return (o["type"], attack_id(o) or "", o["id"])

    candidates = [r for r in relationships
                  if r["relationship_type"] in KEPT_RELATIONSHIPS
                  and r["source_ref"] in selected and r["target_ref"] in selected
                  and (r["relationship_type"] == "revoked-by" or live(r))]
    capped = {"uses", "mitigates"}
    kept = [r for r in candidates if r["relationship_type"] not in capped]
    groups = collections.defaultdict(list)
    for r in candidates:
        if r["relationship_type"] in capped:
            kind = "technique" if by_id[r["target_ref"]]["type"] == "attack-pattern" else "software"
            groups[(r["relationship_type"], r["source_ref"], kind)].append(r)
    # Greedy, deterministic pick: per source (in type / ATT&CK id order,
    # software before techniques), keep PREFERRED_USES first, then prefer
    # targets that were picked least so far, then by ATT&CK id; keep the cap.
    found = {(attack_id(by_id[r["source_ref"]]), attack_id(by_id[r["target_ref"]]))
             for rels in groups.values() for r in rels if r["relationship_type"] == "uses"}
    if PREFERRED_USES - found:
        fail("preferred uses pairs not found: %s" % sorted(PREFERRED_USES - found))
    usage = collections.Counter()
    kept_per_source = collections.Counter()
    for rtype, src_ref, kind in sorted(groups, key=lambda k: (k[0], sort_key(by_id[k[1]]), k[2] != "software")):
        src = by_id[src_ref]
        if rtype == "mitigates":
            cap = MITIGATES_CAP
        else:
            cap = USES_CAP[(src["type"], kind)]
            if src["type"] == "intrusion-set":
                cap = min(cap, GROUP_USES_TOTAL - kept_per_source[src_ref])
        src_aid = attack_id(src)
        rels = sorted(groups[(rtype, src_ref, kind)],
                      key=lambda r: ((src_aid, attack_id(by_id[r["target_ref"]])) not in PREFERRED_USES,
                                     usage[(rtype, r["target_ref"])],
                                     attack_id(by_id[r["target_ref"]]) or "", r["id"]))
        for r in rels[:cap]:
            usage[(rtype, r["target_ref"])] += 1
            kept_per_source[src_ref] += 1
            kept.append(r)

    # Data components: keep only the log sources that selected analytics use.
    used_log_sources = collections.defaultdict(list)
    for o in selected.values():
        for ls in o.get("x_mitre_log_source_references", []):
            entry = {"name": ls["name"], "channel": ls["channel"]}
            if entry not in used_log_sources[ls["x_mitre_data_component_ref"]]:
                used_log_sources[ls["x_mitre_data_component_ref"]].append(entry)

    # -----------------------------------------------------------------------
    # Build output objects.
    out = []

    def rel_description(r):
        src, tgt = by_id[r["source_ref"]], by_id[r["target_ref"]]
        s_name, t_name = src.get("name"), tgt["name"]
        rt = r["relationship_type"]
        if rt == "uses":
            if src["type"] == "campaign":
                return "During %s, the threat actors used %s." % (s_name, t_name)
            if src["type"] in ("malware", "tool"):
                return "%s is capable of %s." % (s_name, t_name)
            if tgt["type"] == "attack-pattern":
                return "%s has used %s." % (s_name, t_name)
            return "%s has used the software %s." % (s_name, t_name)
        if rt == "mitigates":
            return "%s can reduce the risk of %s." % (s_name, t_name)
        if rt == "subtechnique-of":
            return "%s is a sub-technique of %s." % (s_name, t_name)
        if rt == "detects":
            return "Detection strategy %s detects %s." % (attack_id(src), label(tgt))
        if rt == "attributed-to":
            return "%s is attributed to %s." % (s_name, t_name)
        if rt == "revoked-by":
            return "%s was revoked and replaced by %s." % (label(src), label(tgt))
        fail("unexpected relationship type %s" % rt)

    def component_description(o):
        return "Log records that capture %s activity." % o["name"]

    def analytic_description(o):
        t = analytic_technique[o["id"]]
        return "Looks for %s activity on %s." % (
            t["name"], ", ".join(o.get("x_mitre_platforms", [])) or "the listed platforms")

    def transform(o):
        n = {}
        for k, v in o.items():
            if k == "x_mitre_contributors":
                continue
            if k == "external_references":
                if o["type"] == "relationship":
                    continue
                v = mitre_ref_only(v)
            elif k == "description":
                if o["type"] == "identity" or o["type"] == "marking-definition":
                    pass  # empty in the source; nothing to replace
                elif o["type"] == "relationship":
                    v = rel_description(o)
                elif o["type"] == "x-mitre-data-component":
                    v = component_description(o)
                elif o["type"] == "x-mitre-analytic":
                    v = analytic_description(o)
                else:
                    v = descriptions[o["id"]]
            elif k == "x_mitre_detection":
                if v:
                    v = "Watch for %s using the linked detection strategies." % o["name"]
            elif k == "x_mitre_mutable_elements":
                v = [{kk: ("Tune %s to the local environment." % e["field"]
                           if kk == "description" else vv) for kk, vv in e.items()} for e in v]
            elif k == "x_mitre_log_sources":
                v = [e for e in v if {"name": e.get("name"), "channel": e.get("channel")}
                     in used_log_sources[o["id"]]]
            elif k in ("x_mitre_first_seen_citation", "x_mitre_last_seen_citation"):
                v = CITATION
            n[k] = v
        return n

    for o in selected.values():
        out.append(transform(o))
    for r in kept:
        out.append(transform(r))

    # Collection object.
    listed = sorted(out, key=lambda o: o["id"])
    col = {}
    for k, v in collection.items():
        if k == "name":
            v = COLLECTION_NAME
        elif k == "description":
            v = COLLECTION_DESCRIPTION
        elif k == "x_mitre_version":
            v = "18.1"
        elif k == "x_mitre_contents":
            # Like the official file: everything except the marking definitions.
            v = [{"object_ref": o["id"], "object_modified": o["modified"]}
                 for o in listed if o["type"] != "marking-definition"]
        col[k] = v
    out.append(col)

    out.sort(key=sort_key)
    bundle = {}
    for k in source:
        bundle[k] = BUNDLE_ID if k == "id" else (out if k == "objects" else source[k])

    check(bundle)

    text = json.dumps(bundle, indent=2) + "\n"
    with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)

    counts = collections.Counter(o["type"] for o in out)
    rcounts = collections.Counter(o["relationship_type"] for o in out if o["type"] == "relationship")
    print("wrote %s (%d bytes, %d objects)" % (os.path.relpath(args.output), len(text.encode("utf-8")), len(out)))
    print()
    print("| type | count |")
    print("|---|---:|")
    for t in sorted(counts):
        print("| %s | %d |" % (t, counts[t]))
    print()
    print("| relationship_type | count |")
    print("|---|---:|")
    for t in sorted(rcounts):
        print("| %s | %d |" % (t, rcounts[t]))


def check(bundle):
    """Fail unless every reference resolves inside the sample and no prose leaked."""
    objs = bundle["objects"]
    ids = collections.Counter(o["id"] for o in objs)
    dup = [i for i, c in ids.items() if c > 1]
    if dup:
        fail("duplicate ids: %s" % dup[:5])
    errors = []

    def need(o, ref, what):
        if ref not in ids:
            errors.append("%s: %s -> %s is not in the sample" % (o["id"], what, ref))

    shortnames = {o["x_mitre_shortname"] for o in objs if o["type"] == "x-mitre-tactic"}
    for o in objs:
        for key in ("source_ref", "target_ref", "created_by_ref", "x_mitre_modified_by_ref"):
            if key in o:
                need(o, o[key], key)
        # In ATT&CK 18.1 data components carry no data source link; some keep
        # the property as an empty string, which is not a reference.
        if o.get("x_mitre_data_source_ref"):
            need(o, o["x_mitre_data_source_ref"], "x_mitre_data_source_ref")
        for key in ("object_marking_refs", "tactic_refs", "x_mitre_analytic_refs"):
            for ref in o.get(key, []):
                need(o, ref, key)
        for ls in o.get("x_mitre_log_source_references", []):
            need(o, ls["x_mitre_data_component_ref"], "x_mitre_log_source_references")
        for c in o.get("x_mitre_contents", []):
            need(o, c["object_ref"], "x_mitre_contents")
        for k in o.get("kill_chain_phases", []):
            if k["phase_name"] not in shortnames:
                errors.append("%s: kill-chain phase %s has no tactic" % (o["id"], k["phase_name"]))
        for ref in o.get("external_references", []):
            if ref.get("source_name") != "mitre-attack" or set(ref) - {"source_name", "url", "external_id"}:
                errors.append("%s: non-ATT&CK external reference kept" % o["id"])
        if o["type"] == "relationship" and "external_references" in o:
            errors.append("%s: relationship keeps external_references" % o["id"])
        if "x_mitre_contributors" in o:
            errors.append("%s: x_mitre_contributors kept" % o["id"])
        for key in ("description", "x_mitre_detection"):
            text = o.get(key, "")
            if "(Citation:" in text or "attack.mitre.org" in text or "\n" in text or len(text) > 200:
                errors.append("%s: %s does not look like a ttpmap-written sentence" % (o["id"], key))
    col = [o for o in objs if o["type"] == "x-mitre-collection"]
    if len(col) != 1:
        errors.append("expected one x-mitre-collection")
    else:
        listed = {c["object_ref"]: c["object_modified"] for c in col[0]["x_mitre_contents"]}
        for o in objs:
            if o["type"] in ("x-mitre-collection", "marking-definition"):
                continue
            if listed.get(o["id"]) != o.get("modified"):
                errors.append("%s: missing or stale in x_mitre_contents" % o["id"])
    if errors:
        fail("reference check failed:\n  " + "\n  ".join(errors[:50]))


if __name__ == "__main__":
    main()
