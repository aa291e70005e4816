#!/usr/bin/env python3
"""Structure checks run by scripts/test (issue 15):

1. No import cycle between the modules (files) of a crate: every `crate::…`, `super::…` and
   `self::…` path is resolved to the module file that defines the item, following re-exports
   (`pub use`) so that a facade such as `domain.rs` is not a dependency of its own children.
   Modules that import each other, directly or round a longer loop, are listed and fail.
2. No Rust source file over MAX_LINES lines (generated code lives in OUT_DIR, not here).

Usage: scripts/check-structure.py [--max-lines N] [--graph]   (exit 1 on a finding)
"""

import os
import re
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRATES = {"app": "app/src", "server": "server/src"}
SIZE_DIRS = ["app/src", "server/src", "server/tests", "server/examples", "frontend/src"]
MAX_LINES = 800

ITEM_RE = r"(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:fn|struct|enum|const|static|type|trait|mod|union)\s+{name}\b"


def strip_comments_and_strings(src):
    """Blanks comments and string/char literals, keeping line structure and offsets."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append("".join(ch if ch == "\n" else " " for ch in src[i:j]))
            i = j
        elif c == "r" and re.match(r'r#*"', src[i:i + 10]) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            m = re.match(r'r(#*)"', src[i:])
            end = src.find('"' + m.group(1), i + len(m.group(0)))
            end = n if end < 0 else end + 1 + len(m.group(1))
            out.append("".join(ch if ch == "\n" else " " for ch in src[i:end]))
            i = end
        elif c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            j += 1
            out.append("".join(ch if ch == "\n" else " " for ch in src[i:j]))
            i = j
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", src[i:i + 4]) or (c == "'" and src.startswith("'\\u{", i)):
            j = src.find("'", i + 1) + 1
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def module_files(crate_dir):
    """Module path (tuple) -> file, for one crate's src directory."""
    mods = {}
    base = os.path.join(ROOT, crate_dir)
    for dirpath, _, files in os.walk(base):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(dirpath, f), base)[:-3].split(os.sep)
            if rel in (["lib"], ["main"]):
                path = ()
                if rel == ["main"] and os.path.exists(os.path.join(base, "lib.rs")):
                    continue  # the binary is its own crate; it reaches the library by name
            elif rel[-1] == "mod":
                path = tuple(rel[:-1])
            else:
                path = tuple(rel)
            mods[path] = os.path.join(dirpath, f)
    return mods


def expand_use_tree(tree):
    """'a::{b, c::{d, self}}' -> [['a','b'], ['a','c','d'], ['a','c']]"""
    tree = re.sub(r"\s+", "", tree)
    results = []

    def walk(prefix, s):
        # split top-level commas
        parts, depth, cur = [], 0, ""
        for ch in s:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            parts.append(cur)
        for p in parts:
            if "{" in p:
                head, _, rest = p.partition("{")
                head = [x for x in head.split("::") if x]
                walk(prefix + head, rest[: rest.rfind("}")])
            else:
                p = re.sub(r"\bas\b.*$", "", p.split(" as ")[0])
                segs = [x for x in p.split("::") if x]
                if segs == ["self"]:
                    results.append(prefix)
                elif segs:
                    results.append(prefix + segs)

    walk([], tree)
    return results


class Crate:
    def __init__(self, name, crate_dir):
        self.name = name
        self.mods = module_files(crate_dir)
        self.text = {m: strip_comments_and_strings(open(f, encoding="utf-8").read()) for m, f in self.mods.items()}
        self.reexports = {m: self._reexports(t, m) for m, t in self.text.items()}

    def _inline_mod_ranges(self, text):
        ranges = []
        for m in re.finditer(r"\bmod\s+\w+\s*\{", text):
            depth, j = 1, m.end()
            while j < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            ranges.append((m.start(), j))
        return ranges

    def _use_statements(self, text):
        for m in re.finditer(r"\b((?:pub(?:\([^)]*\))?\s+)?)use\s+([^;]+);", text):
            yield m.start(), bool(m.group(1).strip()), m.group(2)

    def _reexports(self, text, mod):
        """name -> absolute path of what it re-exports; '*' -> list of glob targets."""
        out = {"*": []}
        for pos, public, tree in self._use_statements(text):
            if not public:
                continue
            for segs in expand_use_tree(tree):
                absolute = self.absolute(mod, segs, text, pos)
                if absolute is None:
                    continue
                if segs[-1] == "*":
                    out["*"].append(absolute[:-1])
                else:
                    alias = re.search(r"\bas\s+(\w+)", tree)
                    out[segs[-1]] = absolute
        return out

    def absolute(self, mod, segs, text, pos):
        """Absolute module path of a path written in `mod` at offset `pos`, or None (external)."""
        if not segs:
            return None
        depth = sum(1 for a, b in self._inline_mod_ranges(text) if a <= pos < b)
        if segs[0] == "crate":
            return list(segs[1:])
        if segs[0] in ("super", "self"):
            base = list(mod)
            up = 0
            rest = list(segs)
            while rest and rest[0] in ("super", "self"):
                if rest[0] == "super":
                    up += 1
                rest.pop(0)
            up -= depth  # `super` inside an inline `mod tests` is the file itself
            if up > 0:
                base = base[:-up] if up <= len(base) else []
            return base + rest
        # a path relative to the module (a child module named first)
        if tuple(list(mod) + [segs[0]]) in self.mods:
            return list(mod) + list(segs)
        return None

    def defines(self, mod, name):
        return re.search(ITEM_RE.format(name=re.escape(name)), self.text.get(mod, "")) is not None

    def resolve(self, path, seen=None):
        """The module file that defines what `path` names (following re-exports)."""
        seen = seen or set()
        key = tuple(path)
        if key in seen:
            return None
        seen.add(key)
        # longest prefix that is a module file
        for k in range(len(path), -1, -1):
            m = tuple(path[:k])
            if m in self.mods:
                break
        else:
            return None
        rest = path[k:]
        if not rest or rest[0] == "*":
            return m
        item = rest[0]
        if self.defines(m, item):
            return m
        rx = self.reexports.get(m, {})
        if item in rx:
            target = self.resolve(rx[item] + rest[1:], seen)
            return target if target is not None else m
        for g in rx.get("*", []):
            target = self.resolve(g + rest, seen)
            if target is not None and target != tuple(g):
                return target
            if target is not None and self.defines(tuple(g), item):
                return target
        return m

    def edges(self):
        graph = defaultdict(set)
        for mod, text in self.text.items():
            used = []
            for pos, public, tree in self._use_statements(text):
                if public and re.match(r"\s*\w+(::\{|::\*|::\w+\s*$|\s*$)", tree) and self._is_facade_child(mod, tree, text, pos):
                    continue  # a parent re-exporting its own children: a facade, not a dependency
                for segs in expand_use_tree(tree):
                    used.append((pos, segs))
            for m in re.finditer(r"(?<![\w:])((?:crate|super|self)(?:::\w+)+)", text):
                used.append((m.start(), m.group(1).split("::")))
            for pos, segs in used:
                absolute = self.absolute(mod, segs, text, pos)
                if absolute is None:
                    continue
                target = self.resolve(absolute)
                if target is None or target == mod:
                    continue
                graph[mod].add(target)
        return graph

    def _is_facade_child(self, mod, tree, text, pos):
        segs = expand_use_tree(tree)
        for s in segs:
            a = self.absolute(mod, s, text, pos)
            if a is None or a[: len(mod)] != list(mod) or len(a) <= len(mod):
                return False
        return True


def sccs(graph, nodes):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            strong(v)
    return [c for c in out if len(c) > 1]


def name(crate, mod):
    return crate + "::" + "::".join(mod) if mod else crate


def main():
    max_lines = MAX_LINES
    args = sys.argv[1:]
    if "--max-lines" in args:
        max_lines = int(args[args.index("--max-lines") + 1])
    failed = False
    for cname, cdir in CRATES.items():
        crate = Crate(cname, cdir)
        graph = crate.edges()
        if "--graph" in args:
            for m in sorted(graph):
                print(name(cname, m), "->", ", ".join(sorted(name(cname, t) for t in graph[m])))
        for comp in sccs(graph, crate.mods.keys()):
            failed = True
            members = set(comp)
            print(f"import cycle in {cname}: " + ", ".join(sorted(name(cname, m) for m in comp)))
            for m in sorted(comp):
                for t in sorted(graph[m] & members):
                    print(f"    {name(cname, m)} -> {name(cname, t)}")
    for d in SIZE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(ROOT, d)):
            for f in files:
                if f.endswith(".rs"):
                    p = os.path.join(dirpath, f)
                    n = sum(1 for _ in open(p, encoding="utf-8"))
                    if n > max_lines:
                        failed = True
                        print(f"file over {max_lines} lines: {os.path.relpath(p, ROOT)} ({n})")
    if failed:
        sys.exit(1)
    print("structure: no import cycle, no file over", max_lines, "lines")


if __name__ == "__main__":
    main()
