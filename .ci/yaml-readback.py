#!/usr/bin/env python3
"""Read every CloudFormation template drc wrote with a YAML 1.1 and a YAML 1.2 loader; fail
when they disagree on any scalar, or when a string of the .dr is not read back as that string.

usage: yaml-readback.py OUT_DIR=SOURCE.dr [OUT_DIR=SOURCE.dr ...]

OUT_DIR holds the *.cfn.yaml and *.tf.json files `drc build SOURCE.dr --out-dir OUT_DIR`
wrote. Each template is loaded twice:

  PyYAML       SafeLoader, YAML 1.1's implicit types (the resolver cfn-lint and
               CloudFormation's own loader use), CloudFormation's short tags (!Ref, !Sub...)
               read as tagged nodes;
  ruamel.yaml  its safe loader in YAML 1.2 mode, the same tags.

Checks, each failing the run:

  same tree    both loads give the same tree: every key and value the same Python type and
               value (a string `yes` that YAML 1.1 reads as True is a difference);
  no dates     no scalar is a date or timestamp (drc never means one: a policy's
               `Version: 2012-10-17` read as a date is a misreading);
  the source   every string literal of the .dr files in SOURCE's folder that the Terraform
               JSON of the same build holds as a string (so a value drc writes as it is) is
               also a string of the template, as both loaders read it.

Prints one line per failure, then "yaml-readback: N passed, M failed" (N, M count
templates). Exit status 0 when none failed, 1 otherwise, 2 on a usage problem. Needs PyYAML
and ruamel.yaml (the validators venv: .ci/install-validators.sh installs both).
"""
from __future__ import annotations

import datetime
import glob
import json
import os
import re
import sys

import yaml
from ruamel.yaml import YAML


class Tagged:
    """A node under one of CloudFormation's short tags."""

    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def __eq__(self, other):
        return isinstance(other, Tagged) and (self.tag, self.value) == (other.tag, other.value)

    def __repr__(self):
        return "%s %r" % (self.tag, self.value)


def construct(loader, suffix, node):
    """A tagged scalar, sequence or mapping, with the loader's own types inside."""
    if isinstance(node, yaml.ScalarNode) or type(node).__name__ == "ScalarNode":
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode) or type(node).__name__ == "SequenceNode":
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged("!" + suffix, value)


class Yaml11Loader(yaml.SafeLoader):
    """PyYAML's safe loader (YAML 1.1) with CloudFormation's short tags."""


Yaml11Loader.add_multi_constructor("!", construct)


def load_11(text):
    return yaml.load(text, Loader=Yaml11Loader)


def load_12(text):
    loader = YAML(typ="safe", pure=True)
    loader.version = (1, 2)
    loader.constructor.add_multi_constructor("!", construct)
    return plain(loader.load(text))


def plain(node):
    """ruamel's containers as Python's own."""
    if isinstance(node, dict):
        return {plain(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, Tagged):
        return Tagged(node.tag, plain(node.value))
    return node


def differences(a, b, path="$"):
    """Where two loads differ: type or value of any node."""
    if type(a) is not type(b):
        yield "%s: YAML 1.1 reads %r (%s), YAML 1.2 reads %r (%s)" % (
            path, a, type(a).__name__, b, type(b).__name__)
        return
    if isinstance(a, dict):
        keys_a, keys_b = list(a), list(b)
        if len(keys_a) != len(keys_b):
            yield "%s: YAML 1.1 reads keys %r, YAML 1.2 reads %r" % (path, keys_a, keys_b)
            return
        for ka, kb in zip(keys_a, keys_b):
            yield from differences(ka, kb, path + " key")
            yield from differences(a[ka], b[kb], "%s.%s" % (path, ka))
    elif isinstance(a, list):
        if len(a) != len(b):
            yield "%s: lengths %d and %d" % (path, len(a), len(b))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, "%s[%d]" % (path, i))
    elif isinstance(a, Tagged):
        if a.tag != b.tag:
            yield "%s: tags %s and %s" % (path, a.tag, b.tag)
        yield from differences(a.value, b.value, path + a.tag)
    elif a != b:
        yield "%s: YAML 1.1 reads %r, YAML 1.2 reads %r" % (path, a, b)


def walk(node):
    """Every key and value of a loaded tree, depth first."""
    yield node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(k)
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)
    elif isinstance(node, Tagged):
        yield from walk(node.value)


STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def literals(source):
    """The string literals of the .dr files beside SOURCE, escapes resolved (`$${` is `${`); comments
    (from `#` or `//` outside a string to the end of the line) skipped."""
    found = set()
    for path in sorted(glob.glob(os.path.join(os.path.dirname(source) or ".", "*.dr"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                for match in STRING.finditer(line):
                    before = line[: match.start()]
                    if "#" in before.replace('"', "") and before.count('"') % 2 == 0:
                        continue
                    raw = match.group(1)
                    text = re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), raw)
                    found.add(text.replace("$${", "${"))
    return found


def load_template(path):
    """The template's failures of the same-tree and no-dates checks, and its strings as each
    loader reads them (None when it cannot be loaded)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        one, two = load_11(text), load_12(text)
    except Exception as e:  # a template either loader cannot read at all
        return ["%s: cannot be loaded: %s" % (path, str(e).splitlines()[0])], None
    failures = ["%s: %s" % (path, d) for d in differences(one, two)]
    for tree, version in ((one, "1.1"), (two, "1.2")):
        for node in walk(tree):
            if isinstance(node, (datetime.date, datetime.datetime)):
                failures.append("%s: YAML %s reads a date: %r" % (path, version, node))
    return failures, [{n for n in walk(t) if isinstance(n, str)} for t in (one, two)]


def check_dir(out_dir, source):
    """The failures of every template in OUT_DIR, and how many templates there are."""
    source_literals = literals(source)
    tf_strings = set()
    for tf in sorted(glob.glob(os.path.join(out_dir, "*.tf.json"))):
        with open(tf, encoding="utf-8") as f:
            tf_strings |= {n for n in walk(json.load(f)) if isinstance(n, str)}
    templates = sorted(glob.glob(os.path.join(out_dir, "*.cfn.yaml")))
    if not templates:
        return ["%s: no *.cfn.yaml" % out_dir], 1
    failures = []
    strings = [set(), set()]
    for template in templates:
        found, read = load_template(template)
        failures += found
        if read:
            strings[0] |= read[0]
            strings[1] |= read[1]
    for literal in sorted(source_literals & tf_strings):
        for have, version in zip(strings, ("1.1", "1.2")):
            if literal not in have and not any(literal in s for s in have):
                failures.append("%s: the .dr's string %r is in no string of the templates "
                                "under YAML %s" % (out_dir, literal, version))
    return failures, len(templates)


def main(argv):
    if not argv or any("=" not in a for a in argv):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    passed = failed = 0
    for arg in argv:
        failures, count = check_dir(*arg.split("=", 1))
        for line in failures:
            print(line)
        bad = len({line.split(": ")[0] for line in failures})
        failed += bad
        passed += max(count - bad, 0)
    print("yaml-readback: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
