#!/usr/bin/python3
"""Mechanical mutants of kernel functions, for ci/mutation generate.

  generate.py --coverage FILE --tree DIR --out DIR [--seed S]
  generate.py --coverage FILE --list-files

Reads the inventory (FILE: {"functions": [{"file": "net/ipv4/tcp.c", "function": "tcp_close",
...}, ...]}; a function that serves many options, as setsockopt does, names in "cases" the
case labels whose blocks implement the inventory's items, and the other blocks of those
switches are not mutated), finds each function's body in DIR/<file>, and writes one patch per mutant into
OUT/candidates/, the list OUT/candidates.tsv (name, file, line, class, function; in source order), the
names again in a random order drawn with the seed S (OUT/order: a sample is its first N that
compile) and a summary OUT/candidates.env. --list-files prints the inventory's files. The mutants, inside function bodies only (comments, string and
character literals and preprocessor lines are never touched):
  relational   each < <= > >= == != to its neighbours and its negation
  condition    each if/while condition negated
  operand      each operand of && and || negated, and dropped (1 for &&, 0 for ||)
  constant     each integer literal plus one and minus one
Names are deterministic: gen-<function>-<line>-<operator>-<n>. Errors: one line on stderr,
exit 1 (bad input) or 2 (usage).
"""
import argparse
import json
import os
import random
import re
import sys

PROG = "mutation"


class Bad(Exception):
    """Bad input: reported as one line."""


# --- tokens ------------------------------------------------------------------------------

PUNCT = sorted(
    "... <<= >>= -> ++ -- << >> <= >= == != && || *= /= %= += -= &= ^= |= ## "
    "{ } ( ) [ ] ; , . ? : ~ ! + - * / % < > & ^ | = #".split(),
    key=len,
    reverse=True,
)
INT_RE = re.compile(r"^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uU]?[lL]{0,2}|[lL]{1,2}[uU])$")
ASSIGN = {"=", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "<<=", ">>="}


class Tok:
    __slots__ = ("kind", "text", "start", "end", "line")

    def __init__(self, kind, text, start, end, line):
        self.kind, self.text, self.start, self.end, self.line = kind, text, start, end, line


def skip_comment(src, i, line, path):
    """The index after the /* */ comment at i, and the line it ends on."""
    j = src.find("*/", i + 2)
    if j < 0:
        raise Bad(f"{path}:{line}: a comment that never ends")
    return j + 2, line + src.count("\n", i, j)


def tokenize(src, path):
    """C tokens of src, without comments, whitespace and preprocessor lines."""
    toks, i, n, line = [], 0, len(src), 1
    at_line_start = True
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if src.startswith("/*", i):
            i, line = skip_comment(src, i, line, path)
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "#" and at_line_start:
            # a directive: to the end of the line, backslash-newlines and comments included
            while i < n and src[i] != "\n":
                if src.startswith("\\\n", i):
                    line += 1
                    i += 2
                elif src.startswith("/*", i):
                    i, line = skip_comment(src, i, line, path)
                else:
                    i += 1
            continue
        at_line_start = False
        start = i
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                if src[j] == "\n":
                    raise Bad(f"{path}:{line}: a {'string' if c == chr(34) else 'character'} literal that never ends")
                j += 2 if src[j] == "\\" else 1
            if j >= n:
                raise Bad(f"{path}:{line}: a literal that never ends")
            i = j + 1
            toks.append(Tok("str" if c == '"' else "chr", src[start:i], start, i, line))
            continue
        if c.isalpha() or c == "_":
            j = i + 1
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            # L"x", u8"x": a prefixed literal
            if j < n and src[j] in "\"'" and src[i:j] in ("L", "u", "U", "u8"):
                i = j
                continue
            toks.append(Tok("id", src[i:j], i, j, line))
            i = j
            continue
        if c.isdigit() or (c == "." and i + 1 < n and src[i + 1].isdigit()):
            j = i + 1
            while j < n and (src[j].isalnum() or src[j] in "._" or (src[j] in "+-" and src[j - 1] in "eEpP")):
                j += 1
            toks.append(Tok("num", src[i:j], i, j, line))
            i = j
            continue
        if c == "\\":  # a stray line continuation outside a directive
            i += 1
            continue
        for p in PUNCT:
            if src.startswith(p, i):
                toks.append(Tok("punct", p, i, i + len(p), line))
                i += len(p)
                break
        else:
            raise Bad(f"{path}:{line}: unexpected character {c!r}")
    return toks


def matching(toks, i):
    """Index of the bracket closing toks[i]."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    want, depth = [pairs[toks[i].text]], 0
    for j in range(i + 1, len(toks)):
        t = toks[j].text if toks[j].kind == "punct" else None
        if t in pairs:
            want.append(pairs[t])
        elif t in (")", "]", "}"):
            if t != want[-1]:
                return None
            want.pop()
            if not want:
                return j
    return None


def function_bodies(toks, name):
    """(open brace index, close brace index) of each definition of name at file scope."""
    found, depth, i = [], 0, 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "punct" and t.text == "{":
            depth += 1
        elif t.kind == "punct" and t.text == "}":
            depth -= 1
        elif (depth == 0 and t.kind == "id" and t.text == name and i + 1 < len(toks)
              and toks[i + 1].text == "(" and not (i > 0 and toks[i - 1].text in ("(", ",", ".", "->"))):
            close = matching(toks, i + 1)
            if close is None:
                i += 1
                continue
            j = close + 1
            # attributes between the parameters and the body: __acquires(x), __must_hold(y)
            while j < len(toks) and toks[j].kind == "id":
                j += 1
                if j < len(toks) and toks[j].text == "(":
                    k = matching(toks, j)
                    if k is None:
                        break
                    j = k + 1
            if j < len(toks) and toks[j].text == "{":
                end = matching(toks, j)
                if end is None:
                    raise Bad(f"{name}: its body never ends")
                found.append((j, end))
                i = end + 1
                continue
        i += 1
    return found


def switches(toks, lo, hi):
    """The switch statements of toks[lo..hi]: (first, last, groups), first and last its token
    range (the `switch` to its closing brace), each group (labels, first, last), labels the
    texts of each label's expression ("default" for default), first and last the token range
    from the group's first label to the token before the next group's."""
    out = []
    for k in range(lo + 1, hi):
        if not (toks[k].kind == "id" and toks[k].text == "switch" and toks[k + 1].text == "("):
            continue
        close = matching(toks, k + 1)
        if close is None or toks[close + 1].text != "{":
            continue
        body_end = matching(toks, close + 1)
        if body_end is None:
            continue
        groups, depth, j, after_label = [], 0, close + 2, -1
        while j < body_end:
            t = toks[j]
            if t.kind == "punct" and t.text in ("(", "[", "{"):
                depth += 1
            elif t.kind == "punct" and t.text in (")", "]", "}"):
                depth -= 1
            elif depth == 0 and t.kind == "id" and t.text in ("case", "default"):
                colon = j + 1
                while colon < body_end and toks[colon].text != ":":
                    colon += 1
                label = " ".join(x.text for x in toks[j + 1:colon]) if t.text == "case" else "default"
                if groups and after_label == j:
                    groups[-1][0].append(label)  # stacked labels share one body
                else:
                    if groups:
                        groups[-1][2] = j - 1
                    groups.append([[label], j, body_end - 1])
                after_label = colon + 1
                j = colon + 1
                continue
            j += 1
        out.append((k, body_end, [(labels, a, b) for labels, a, b in groups]))
    return out


def outside_cases(toks, lo, hi, cases, fn, path):
    """Token ranges of toks[lo..hi] not to mutate, in a function that serves many options: in a
    switch with a label in cases, the case groups without one; a switch with none, unless it
    lies inside a group that is kept (a switch of its own option's values), whole (the string
    options of do_tcp_setsockopt(), say). A cases label the function lacks is an error."""
    sw = switches(toks, lo, hi)
    found = {lab for _, _, groups in sw for labels, _, _ in groups for lab in labels}
    missing = [c for c in cases if c not in found]
    if missing:
        raise Bad(f"{path}: {fn}() has no case label {missing[0]} (named by the inventory's \"cases\")")
    want, kept, out = set(cases), [], []
    for _, _, groups in sw:
        if any(want & set(labels) for labels, _, _ in groups):
            kept.extend((a, b) for labels, a, b in groups if want & set(labels))
            out.extend((a, b) for labels, a, b in groups if not want & set(labels))
    for first, last, groups in sw:
        inside_kept = any(a <= first and last <= b for a, b in kept)
        if not any(want & set(labels) for labels, _, _ in groups) and not inside_kept:
            out.append((first, last))
    return out


# --- mutants -----------------------------------------------------------------------------

REL = {"<": ("<=", ">="), "<=": ("<", ">"), ">": (">=", "<="), ">=": (">", "<"),
       "==": ("!=",), "!=": ("==",)}
REL_NAME = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge", "==": "eq", "!=": "ne"}


def snippet(src, a, b, width=60):
    s = " ".join(src[a:b].split())
    return s if len(s) <= width else s[: width - 3] + "..."


def split_depth0(toks, a, b, seps):
    """Pieces of toks[a:b] between separators (texts in seps) at bracket depth 0, as
    (start, end) index pairs; None when the range does not nest properly."""
    pieces, depth, start = [], 0, a
    for k in range(a, b):
        t = toks[k].text if toks[k].kind == "punct" else None
        if t in ("(", "[", "{"):
            depth += 1
        elif t in (")", "]", "}"):
            depth -= 1
            if depth < 0:
                return None
        elif depth == 0 and t in seps:
            pieces.append((start, k))
            start = k + 1
    pieces.append((start, b))
    return pieces


def has_depth0(toks, a, b, texts):
    pieces = split_depth0(toks, a, b, texts)
    return pieces is not None and len(pieces) > 1


def is_bare_literal(toks, a, b):
    return b - a == 1 and toks[a].kind == "num"


def mutants_of_body(src, toks, lo, hi, fn, path):
    """Every mutant of the body toks[lo..hi] (the braces), in source order: dicts with the
    replaced character range, the new text, the operator code and a description."""
    out = []

    def add(a_tok, b_tok, new, op, what, cls):
        s, e = toks[a_tok].start, toks[b_tok - 1].end
        out.append({"start": s, "end": e, "new": new, "op": op, "line": toks[a_tok].line,
                    "what": what, "class": cls, "old": src[s:e]})

    # conditions of if and while that are a bare literal (do { } while (0)) are idioms, not logic
    idiom = set()
    for k in range(lo + 1, hi):
        t = toks[k]
        if t.kind == "id" and t.text in ("if", "while") and toks[k + 1].text == "(":
            close = matching(toks, k + 1)
            if close is None:
                raise Bad(f"{path}:{t.line}: unbalanced parentheses in {fn}()")
            if is_bare_literal(toks, k + 2, close):
                idiom.add(k + 2)
                continue
            old = snippet(src, toks[k + 2].start, toks[close - 1].end)
            add(k + 2, close, "!(" + src[toks[k + 2].start:toks[close - 1].end] + ")",
                t.text + "-not", f"condition of {t.text} `{old}` negated", "condition")
    for k in range(lo + 1, hi):
        t = toks[k]
        if t.kind == "punct" and t.text in REL:
            for new in REL[t.text]:
                add(k, k + 1, new, f"{REL_NAME[t.text]}-{REL_NAME[new]}",
                    f"`{t.text}` replaced by `{new}` in `{snippet(src, toks[max(k - 4, lo + 1)].start, toks[min(k + 4, hi - 1)].end)}`",
                    "relational")
        elif t.kind == "num" and INT_RE.match(t.text) and k not in idiom:
            for delta, op in ((1, "plus1"), (-1, "minus1")):
                new = off_by_one(t.text, delta)
                add(k, k + 1, new, op, f"constant `{t.text}` {'+' if delta > 0 else '-'} 1 (now `{new}`)",
                    "constant")
    # operands of && and ||: in every bracketed group, the pieces between commas and
    # semicolons, and every return statement's expression
    regions = []
    for k in range(lo + 1, hi):
        t = toks[k]
        if t.kind == "punct" and t.text == "(":
            close = matching(toks, k)
            if close is None:
                raise Bad(f"{path}:{t.line}: unbalanced parentheses in {fn}()")
            regions.extend(split_depth0(toks, k + 1, close, (",", ";")) or [])
        elif t.kind == "id" and t.text == "return":
            e = k + 1
            depth = 0
            while e < hi and not (depth == 0 and toks[e].text == ";"):
                depth += toks[e].text in ("(", "[", "{") and toks[e].kind == "punct"
                depth -= toks[e].text in (")", "]", "}") and toks[e].kind == "punct"
                e += 1
            regions.append((k + 1, e))
    for a, b in regions:
        if a >= b or not has_depth0(toks, a, b, ("&&", "||")):
            continue
        # a ?: or an assignment at this level: not a plain logical expression
        if has_depth0(toks, a, b, ASSIGN | {"?"}):
            continue
        ors = split_depth0(toks, a, b, ("||",))
        operands = []
        for oa, ob in ors:
            ands = split_depth0(toks, oa, ob, ("&&",))
            if len(ors) > 1 and len(ands) == 1:
                operands.append((oa, ob, "or"))
            for aa, ab in ands if len(ands) > 1 else []:
                operands.append((aa, ab, "and"))
        for oa, ob, kind in operands:
            if oa >= ob:
                continue
            text = src[toks[oa].start:toks[ob - 1].end]
            old = snippet(src, toks[oa].start, toks[ob - 1].end)
            sym = "&&" if kind == "and" else "||"
            add(oa, ob, "!(" + text + ")", kind + "-not", f"operand `{old}` of {sym} negated", "operand")
            add(oa, ob, "1" if kind == "and" else "0", kind + "-drop",
                f"operand `{old}` of {sym} dropped (now {'1' if kind == 'and' else '0'})", "operand")
    out.sort(key=lambda m: (m["start"], m["end"], m["op"], m["new"]))
    return out


def off_by_one(text, delta):
    """The integer literal text plus delta, in its own base, digit case, width and suffix; a
    literal that would go below zero becomes (text - 1)."""
    digits, suffix = INT_RE.match(text).groups()
    if digits[:2].lower() == "0x":
        body, base, prefix, spec = digits[2:], 16, digits[:2], "x"
    elif len(digits) > 1 and digits[0] == "0":
        body, base, prefix, spec = digits[1:], 8, "0", "o"
    else:
        body, base, prefix, spec = digits, 10, "", "d"
    v = int(body, base) + delta
    if v < 0:
        return f"({text} - 1)"
    out = format(v, spec)
    if any(c.isupper() for c in body):
        out = out.upper()
    if base != 10:
        out = out.rjust(len(body), "0")
    return prefix + out + suffix


def patch_text(rel, src, lines, m, context=3):
    """A unified diff (one hunk) of mutant m of src, whose lines (with their ends) are lines."""
    first = m["line"] - 1  # 0-based, the lines the change touches
    last = first + src.count("\n", m["start"], m["end"])
    line_start = src.rfind("\n", 0, m["start"]) + 1
    changed = "".join(lines[first:last + 1])
    new = (changed[: m["start"] - line_start] + m["new"] + changed[m["end"] - line_start:]).splitlines(keepends=True)
    lo, hi = max(first - context, 0), min(last + 1 + context, len(lines))

    def body(prefix, xs):
        return "".join(prefix + x + ("" if x.endswith("\n") else "\n\\ No newline at end of file\n") for x in xs)

    n_old, n_new = hi - lo, hi - lo - (last + 1 - first) + len(new)
    return (f"--- a/{rel}\n+++ b/{rel}\n@@ -{lo + 1},{n_old} +{lo + 1},{n_new} @@\n"
            + body(" ", lines[lo:first]) + body("-", lines[first:last + 1]) + body("+", new)
            + body(" ", lines[last + 1:hi]))


# --- the command ---------------------------------------------------------------------------

def load_inventory(path):
    try:
        with open(path, encoding="utf-8") as f:
            inv = json.load(f)
    except OSError as e:
        raise Bad(f"{path}: cannot read the inventory: {e.strerror}")
    except ValueError as e:
        raise Bad(f"{path}: not JSON: {e}")
    fns = inv.get("functions") if isinstance(inv, dict) else None
    if not isinstance(fns, list) or not fns:
        raise Bad(f"{path}: no \"functions\" list in the inventory")
    seen, out = {}, []
    for i, f in enumerate(fns):
        if not (isinstance(f, dict) and isinstance(f.get("file"), str) and isinstance(f.get("function"), str)):
            raise Bad(f"{path}: functions[{i}] has no \"file\" and \"function\" strings")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", f["function"]):
            raise Bad(f"{path}: functions[{i}]: \"{f['function']}\" is not a C function name")
        if f["file"].startswith("/") or ".." in f["file"].split("/"):
            raise Bad(f"{path}: functions[{i}]: \"{f['file']}\" is not a path inside the kernel tree")
        cases = f.get("cases", [])
        if not (isinstance(cases, list) and all(isinstance(c, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", c)
                                                for c in cases)):
            raise Bad(f"{path}: functions[{i}]: \"cases\" is not a list of case label names")
        key = (f["file"], f["function"])
        if key not in seen:
            seen[key] = []
            out.append(key)
        seen[key].extend(c for c in cases if c not in seen[key])
    return [(rel, fn, seen[(rel, fn)]) for rel, fn in out]


def main():
    ap = argparse.ArgumentParser(prog="ci/mutation generate (generate.py)", add_help=True)
    ap.add_argument("--coverage", required=True)
    ap.add_argument("--tree")
    ap.add_argument("--out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--list-files", action="store_true")
    a = ap.parse_args()
    funcs = load_inventory(a.coverage)
    if a.list_files:
        for rel in dict.fromkeys(rel for rel, _, _ in funcs):
            print(rel)
        return
    if not a.tree or not a.out:
        ap.error("--tree and --out are needed")
    cand = os.path.join(a.out, "candidates")
    os.makedirs(cand, exist_ok=True)
    for f in os.listdir(cand):
        os.unlink(os.path.join(cand, f))
    sources, rows, counts, per_name, outside = {}, [], {}, {}, 0
    for rel, fn, cases in funcs:
        if rel not in sources:
            p = os.path.join(a.tree, rel)
            try:
                with open(p, encoding="utf-8", errors="surrogateescape") as f:
                    src = f.read()
            except OSError as e:
                raise Bad(f"{rel}: cannot read it in {a.tree}: {e.strerror}")
            sources[rel] = (src, tokenize(src, rel), src.splitlines(keepends=True))
        src, toks, lines = sources[rel]
        bodies = function_bodies(toks, fn)
        if not bodies:
            raise Bad(f"{rel}: no definition of {fn}() in it")
        for lo, hi in bodies:
            skip = [(toks[a].start, toks[b].end) for a, b in outside_cases(toks, lo, hi, cases, fn, rel)] if cases else []
            for m in mutants_of_body(src, toks, lo, hi, fn, rel):
                if any(a <= m["start"] < b for a, b in skip):
                    outside += 1
                    continue
                stem = f"gen-{fn}-{m['line']}-{m['op']}"
                per_name[stem] = per_name.get(stem, 0) + 1
                name = f"{stem}-{per_name[stem]}"
                counts[m["class"]] = counts.get(m["class"], 0) + 1
                header = (f"Fault: mutant {name}\n"
                          f"Function: {fn}()\n"
                          f"Breaks: {fn}() at {rel}:{m['line']}: {m['what']}\n"
                          f"Suites: all\n"
                          f"Origin: generated ({m['class']}) from the inventory's function list\n\n")
                with open(os.path.join(cand, name + ".patch"), "w", encoding="utf-8",
                          errors="surrogateescape") as f:
                    f.write(header + patch_text(rel, src, lines, m))
                rows.append((name, rel, str(m["line"]), m["class"], fn))
    with open(os.path.join(a.out, "candidates.tsv"), "w") as f:
        for r in rows:
            f.write("\t".join(r) + "\n")
    order = [r[0] for r in rows]
    random.Random(a.seed).shuffle(order)
    with open(os.path.join(a.out, "order"), "w") as f:
        f.write("".join(n + "\n" for n in order))
    with open(os.path.join(a.out, "candidates.env"), "w") as f:
        f.write(f"functions={len(funcs)}\nsource_files={len(sources)}\ncandidates={len(rows)}\n"
                f"outside_cases={outside}\n")
        for k in ("relational", "condition", "operand", "constant"):
            f.write(f"{k}={counts.get(k, 0)}\n")


if __name__ == "__main__":
    try:
        main()
    except Bad as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        sys.exit(1)
