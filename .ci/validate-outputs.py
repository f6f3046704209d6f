#!/usr/bin/env python3
"""Run drc's outside checks over directories of drc outputs; fail on any finding.

usage: validate-outputs.py [--venv DIR] [--check-tf FILE] [--security-doc FILE]
                           [--jobs N] OUT_DIR [OUT_DIR ...]

Every OUT_DIR holds *.cfn.yaml (CloudFormation) and *.tf.json (Terraform JSON)
files; *.zip archives and anything else are ignored. Checks (all must pass):

  cfn-lint    each .cfn.yaml: `cfn-lint -f json FILE`; no errors, no warnings
              (informational findings are printed but do not fail).
  check-tf    each .tf.json: `python3 CHECK_TF FILE`; no errors (warnings printed).
  parliament  each identity policy (IAM role/user/group inline policies, managed
              policies, AWS::IAM::Policy, aws_iam_*policy) and each S3 bucket
              policy, made concrete (template references replaced by realistic
              ARNs) and fed to `parliament --json --minimum_severity INFO` on
              stdin; no findings of any severity. Trust policies, KMS key
              policies and other resource policies are listed as skipped.
  checkov     each .cfn.yaml (framework cloudformation) and each .tf.json
              (framework terraform_json, on a copy without
              terraform.required_version, which checkov 3.3.30 cannot parse);
              a failed check passes only when the security document has a
              Markdown table row whose first cell is the check id in backticks,
              e.g. "| `CKV_AWS_117` | Lambda in a VPC | why it does not apply |".
              Parse errors fail.

The tools come from the venv made by .ci/install-validators.sh. Output is
sorted by file, then check, and ends with the line
"validate: N passed, M failed" (N, M count files). Exit status: 0 when every
check of every file passed, 1 when any failed, 2 on a usage/setup problem.
Standard library only; the CloudFormation loader is cfn-lint's own, run with
the venv's python.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ACCOUNT = "111122223333"
REGION = "eu-west-1"
PARTITION = "aws"
STACK = "example-stack"
KMS_KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
TOOL_TIMEOUT = 900  # seconds, per tool run

CHECK_ORDER = ["cfn-lint", "check-tf", "checkov", "parliament"]  # alphabetical


class Unresolvable(Exception):
    """A template reference that cannot be turned into a concrete value."""


class Result:
    """The outcome of one check on one file."""

    def __init__(self, path, check):
        self.path, self.check = path, check
        self.failures = []   # lines that make the check fail
        self.infos = []      # lines printed without failing
        self.summary = ""
        self.fired = set()   # checkov ids that failed (accepted or not)

    @property
    def ok(self):
        return not self.failures

    def fail(self, line):
        self.failures.append(line)

    def info(self, line):
        self.infos.append(line)


def run(cmd, stdin_text=None, env=None, cwd=None):
    try:
        return subprocess.run(cmd, input=stdin_text, capture_output=True, text=True, env=env,
                              cwd=cwd, timeout=TOOL_TIMEOUT)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(cmd, 124, "", "timed out after %ds" % TOOL_TIMEOUT)
    except OSError as e:
        return subprocess.CompletedProcess(cmd, 127, "", "cannot run %s: %s" % (cmd[0], e))


LOG_PREFIX = re.compile(r"(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \[[^\]]*\] *")


def tail(text, n=600):
    """The end of a tool's output, without log timestamps (so reports stay deterministic)."""
    text = LOG_PREFIX.sub("", text or "").strip()
    return text if len(text) <= n else "..." + text[-n:]


def short(value, n=300):
    s = value if isinstance(value, str) else json.dumps(value, sort_keys=False)
    return s if len(s) <= n else s[:n] + "... (%d chars)" % len(s)


def jptr(*parts):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


# --------------------------------------------------------------------------------------------
# JSON positions: JSON pointer -> (first line, last line) for every value of a JSON text
# --------------------------------------------------------------------------------------------

def json_positions(text):
    pos = {}
    n = len(text)
    st = {"i": 0, "line": 1}

    def skip():
        i, line = st["i"], st["line"]
        while i < n and text[i] in " \t\r\n":
            if text[i] == "\n":
                line += 1
            i += 1
        st["i"], st["line"] = i, line

    def string():
        i = st["i"]
        j = i + 1
        while text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        st["i"] = j + 1
        return json.loads(text[i:j + 1])

    def value(ptr):
        skip()
        start = st["line"]
        c = text[st["i"]]
        if c in "{[":
            close = "}" if c == "{" else "]"
            st["i"] += 1
            skip()
            k = 0
            if text[st["i"]] == close:
                st["i"] += 1
            else:
                while True:
                    skip()
                    if c == "{":
                        key = string()
                        skip()
                        st["i"] += 1  # ':'
                        value(ptr + jptr(key))
                    else:
                        value(ptr + jptr(k))
                        k += 1
                    skip()
                    sep = text[st["i"]]
                    st["i"] += 1
                    if sep != ",":
                        break
        elif c == '"':
            string()
        else:
            while st["i"] < n and text[st["i"]] not in ",]} \t\r\n":
                st["i"] += 1
        pos[ptr] = (start, st["line"])

    try:
        value("")
    except (IndexError, ValueError):
        return {}
    return pos


def line_of(positions, ptr):
    """Best line for a JSON pointer: the pointer itself or its nearest ancestor."""
    while True:
        if ptr in positions:
            v = positions[ptr]
            return v[0] if isinstance(v, tuple) else v
        if not ptr:
            return None
        ptr = ptr.rsplit("/", 1)[0]


# --------------------------------------------------------------------------------------------
# check 1: cfn-lint
# --------------------------------------------------------------------------------------------

def check_cfn_lint(path, venv):
    res = Result(path, "cfn-lint")
    cp = run([os.path.join(venv, "bin", "cfn-lint"), "-f", "json", path])
    try:
        matches = json.loads(cp.stdout)
        assert isinstance(matches, list)
    except (ValueError, AssertionError):
        res.fail("%s: cfn-lint did not produce JSON (exit %d): %s" % (path, cp.returncode, tail(cp.stderr or cp.stdout)))
        res.summary = "cfn-lint failed to run"
        return res
    if cp.returncode & 1 or cp.returncode > 15:
        res.fail("%s: cfn-lint exited with status %d: %s" % (path, cp.returncode, tail(cp.stderr)))
    counts = {"Error": 0, "Warning": 0, "Informational": 0}

    def key(m):
        s = (m.get("Location") or {}).get("Start") or {}
        return (s.get("LineNumber", 0), s.get("ColumnNumber", 0), (m.get("Rule") or {}).get("Id", ""), m.get("Message", ""))

    for m in sorted(matches, key=key):
        level = m.get("Level", "Error")
        rule = (m.get("Rule") or {}).get("Id", "?")
        loc = m.get("Location") or {}
        start = loc.get("Start") or {}
        where = "%s:%s:%s" % (path, start.get("LineNumber", "?"), start.get("ColumnNumber", "?"))
        at = "/".join(str(p) for p in loc.get("Path") or [])
        line = "%s: %s %s: %s%s" % (where, level.lower(), rule, m.get("Message", ""), (" [at %s]" % at) if at else "")
        counts[level] = counts.get(level, 0) + 1
        if level in ("Error", "Warning"):
            res.fail(line)
        else:
            res.info(line)
    res.summary = "%d errors, %d warnings, %d informational" % (
        counts.get("Error", 0), counts.get("Warning", 0), sum(v for k, v in counts.items() if k not in ("Error", "Warning")))
    return res


# --------------------------------------------------------------------------------------------
# check 2: check-tf
# --------------------------------------------------------------------------------------------

def tf_address_line(positions, at):
    """Line of a check-tf location such as aws_s3_bucket.b.rule[0].x or data.T.N.statement[1]."""
    if not isinstance(at, str) or not positions:
        return None
    parts = [p for p in re.split(r"\.|\[(\d+)\]", at) if p]
    if not parts:
        return None
    if parts[0] in ("data", "variable", "output", "locals", "provider", "terraform", "module"):
        head = [parts[0]]
        parts = parts[1:]
    else:
        head = ["resource"]
    ptr = jptr(*(head + parts))
    # a single nested block may be written as an object instead of a one-element list
    while ptr not in positions and re.search(r"/0(/|$)", ptr):
        ptr = re.sub(r"/0(/|$)", r"\1", ptr, count=1)
    return line_of(positions, ptr)


def check_tf(path, venv, check_tf_script):
    res = Result(path, "check-tf")
    py = shutil.which("python3") or sys.executable
    env = dict(os.environ, VENV=venv)  # lets check-tf find cfn-lint's Lambda runtime table
    cp = run([py, check_tf_script, path], env=env)
    try:
        out = json.loads(cp.stdout)
        assert isinstance(out, dict)
    except (ValueError, AssertionError):
        res.fail("%s: check-tf did not print a JSON object (exit %d): %s" % (path, cp.returncode, tail(cp.stderr or cp.stdout)))
        res.summary = "check-tf failed to run"
        return res
    errors, warnings, notes = out.get("errors") or [], out.get("warnings") or [], out.get("notes") or []
    try:
        with open(path, encoding="utf-8") as fh:
            positions = json_positions(fh.read())
    except OSError:
        positions = {}

    def where(at):
        line = tf_address_line(positions, at)
        return "%s:%s" % (path, line) if line else path

    for e in errors:
        res.fail("%s: error %s at %s: %s" % (where(e.get("at")), e.get("code"), e.get("at"), e.get("message")))
    for w in warnings:
        res.info("%s: warning %s at %s: %s" % (where(w.get("at")), w.get("code"), w.get("at"), w.get("message")))
    for n in notes:
        res.info("%s: note: %s" % (path, n))
    if cp.returncode != 0 and not errors:
        res.fail("%s: check-tf exited with status %d without listing errors: %s" % (path, cp.returncode, tail(cp.stderr)))
    if cp.returncode == 0 and errors:
        res.fail("%s: check-tf listed errors but exited 0" % path)
    res.summary = "%d errors, %d warnings" % (len(errors), len(warnings))
    return res


# --------------------------------------------------------------------------------------------
# check 4: checkov
# --------------------------------------------------------------------------------------------

def accepted_ids(doc_path):
    ids = set()
    row = re.compile(r"^\s*\|\s*`([A-Za-z0-9_.-]+)`\s*\|")
    with open(doc_path, encoding="utf-8") as fh:
        for line in fh:
            m = row.match(line)
            if m:
                ids.add(m.group(1))
    return ids


def tf_copy_for_checkov(text, doc):
    """Text of the file without terraform.required_version; keeps line numbers when it can.

    Returns (text, same_lines)."""
    tf = doc.get("terraform") if isinstance(doc, dict) else None
    if not (isinstance(tf, dict) and "required_version" in tf):
        return text, True
    expected = copy.deepcopy(doc)
    del expected["terraform"]["required_version"]
    lines = text.splitlines(keepends=True)
    pat = re.compile(r'^(\s*)"required_version"\s*:\s*"(?:[^"\\]|\\.)*"\s*,?\s*$')
    hits = [k for k, l in enumerate(lines) if pat.match(l)]
    for k in hits:
        new = list(lines)
        new[k] = "\n"
        for attempt in range(2):
            cand = "".join(new)
            try:
                if json.loads(cand) == expected:
                    return cand, True
            except ValueError:
                pass
            # it was the last key: drop the comma that now dangles on the previous line
            j = k - 1
            while j >= 0 and not new[j].strip():
                j -= 1
            if j < 0 or not new[j].rstrip().endswith(","):
                break
            stripped = new[j].rstrip()
            new[j] = stripped[:-1] + new[j][len(stripped):]
    return json.dumps(expected, indent=2) + "\n", False


def resource_at_line(positions, line, prefixes=("/resource/", "/data/")):
    """Address TYPE.NAME (or data.TYPE.NAME) of the block starting at, or else containing, LINE."""
    best = None
    for ptr, (a, b) in positions.items():
        parts = ptr.split("/")
        if len(parts) != 4 or not any(ptr.startswith(p) for p in prefixes):
            continue
        addr = ("data." if parts[1] == "data" else "") + parts[2] + "." + parts[3]
        if a == line:
            return addr
        if a <= line <= b and (best is None or b - a < best[0]):
            best = (b - a, addr)
    return best[1] if best else None


def check_checkov(path, venv, accept, accept_source):
    res = Result(path, "checkov")
    is_tf = path.endswith(".tf.json")
    env = dict(os.environ, CKV_SKIP_PACKAGE_UPDATE_CHECK="true", BC_SKIP_MAPPING="TRUE")
    checkov = os.path.join(venv, "bin", "checkov")
    positions, same_lines, declares_resources = {}, True, False
    with tempfile.TemporaryDirectory(prefix="validate-checkov-") as td:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        if is_tf:
            try:
                doc = json.loads(text)
            except ValueError as e:
                res.fail("%s: not valid JSON, checkov not run: %s" % (path, e))
                res.summary = "not run"
                return res
            declares_resources = bool(isinstance(doc, dict) and doc.get("resource"))
            text, same_lines = tf_copy_for_checkov(text, doc)
            positions = json_positions(text)
            target = os.path.join(td, os.path.basename(path))
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
            framework = "terraform_json"
        else:
            # checkov has no check of a nested stack (AWS::CloudFormation::Stack): a root
            # template holding only nested stacks rightly gives no results.
            declares_resources = bool(re.search(r"(?m)^[\"']?Resources[\"']?\s*:", text)) and any(
                t != "AWS::CloudFormation::Stack"
                for t in re.findall(r"(?m)^\s+Type:\s*['\"]?(AWS::[A-Za-z0-9:]+)", text))
            target = os.path.abspath(path)
            framework = "cloudformation"
        cp = run([checkov, "-f", target, "--framework", framework, "--skip-download", "-o", "json"],
                 env=env, cwd=td)
    try:
        out = json.loads(cp.stdout)
    except ValueError:
        res.fail("%s: checkov did not produce JSON (exit %d): %s" % (path, cp.returncode, tail(cp.stderr or cp.stdout)))
        res.summary = "checkov failed to run"
        return res
    reports = out if isinstance(out, list) else [out]
    failed, passed, n_parse = [], 0, 0
    ran = False
    for r in reports:
        if not isinstance(r, dict):
            continue
        results = r.get("results")
        summ = r.get("summary") if "summary" in r else r
        n_parse += max(int((summ or {}).get("parsing_errors", 0) or 0),
                       len((results or {}).get("parsing_errors") or []))
        if results is None:
            continue
        ran = True
        passed += len(results.get("passed_checks") or [])
        failed.extend(results.get("failed_checks") or [])
    if n_parse:
        res.fail("%s: checkov could not parse the file (%d parsing errors; checkov exits 0 on these): %s"
                 % (path, n_parse, tail(cp.stderr, 400)))
    if not ran and declares_resources and not n_parse:
        res.fail("%s: checkov reported no results for a file that declares resources: %s" % (path, tail(cp.stdout, 300)))
    if cp.returncode not in (0, 1):
        res.fail("%s: checkov exited with status %d: %s" % (path, cp.returncode, tail(cp.stderr)))
    rows = []
    for c in failed:
        cid = c.get("check_id", "?")
        rng = c.get("file_line_range") or [None, None]
        resource = c.get("resource") or "?"
        if is_tf and rng[0]:
            addr = resource_at_line(positions, rng[0])
            if addr and addr.split(".")[-1] == resource.split(".")[-1]:
                resource = addr
        if rng[0] is None:
            loc = path
        elif same_lines:
            loc = "%s:%s-%s" % (path, rng[0], rng[1]) if rng[1] and rng[1] != rng[0] else "%s:%s" % (path, rng[0])
        else:
            loc = "%s (lines %s-%s of a reformatted copy)" % (path, rng[0], rng[1])
        rows.append((rng[0] or 0, cid, resource, loc, c.get("check_name", "")))
        res.fired.add(cid)
    n_acc = 0
    for _, cid, resource, loc, name in sorted(rows):
        if cid in accept:
            n_acc += 1
            res.info("%s: accepted %s %s: %s (listed in %s)" % (loc, cid, resource, name, accept_source))
        else:
            res.fail("%s: FAILED %s %s: %s (not listed in %s)" % (loc, cid, resource, name, accept_source))
    n_bad = len(rows) - n_acc
    res.summary = "%d passed, %d failed (%d accepted by %s, %d not accepted)%s" % (
        passed, len(rows), n_acc, accept_source, n_bad, ", %d parse errors" % n_parse if n_parse else "")
    return res


# --------------------------------------------------------------------------------------------
# check 3: parliament -- CloudFormation policies
# --------------------------------------------------------------------------------------------

CFN_LOADER = r'''
import json, sys
from cfnlint.decode import decode
tpl, matches = decode(sys.argv[1])
lines = {}
def ptr_part(k):
    return "/" + str(k).replace("~", "~0").replace("/", "~1")
def walk(node, ptr):
    m = getattr(node, "start_mark", None)
    if m is not None:
        lines[ptr] = m.line + 1
    if isinstance(node, dict):
        for k, v in node.items():
            walk(v, ptr + ptr_part(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(v, ptr + ptr_part(i))
if tpl is not None:
    walk(tpl, "")
json.dump({"template": tpl, "errors": [str(m) for m in (matches or [])], "lines": lines}, sys.stdout, default=str)
'''

NOVALUE = object()
PSEUDO = {
    "AWS::Partition": PARTITION,
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::StackName": STACK,
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackId": "arn:aws:cloudformation:%s:%s:stack/%s/51af3dc0-da77-11e4-872e-1234567db123" % (REGION, ACCOUNT, STACK),
    "AWS::NotificationARNs": [],
    "AWS::NoValue": NOVALUE,
}


def _arn(service, resource, region=REGION, account=ACCOUNT):
    return "arn:%s:%s:%s:%s:%s" % (PARTITION, service, region, account, resource)


def _lower(lid):
    return lid.lower()


# type -> (name property, default name from logical id, {attribute: f(name, props)}); "Ref" is !Ref
CFN_TYPES = {
    "AWS::S3::Bucket": ("BucketName", lambda lid: lid.lower() + "-bucket", {
        "Ref": lambda n, p: n,
        "Arn": lambda n, p: "arn:aws:s3:::" + n,
        "DomainName": lambda n, p: n + ".s3.amazonaws.com",
        "RegionalDomainName": lambda n, p: "%s.s3.%s.amazonaws.com" % (n, REGION),
        "DualStackDomainName": lambda n, p: "%s.s3.dualstack.%s.amazonaws.com" % (n, REGION),
        "WebsiteURL": lambda n, p: "http://%s.s3-website-%s.amazonaws.com" % (n, REGION)}),
    "AWS::KMS::Key": (None, lambda lid: KMS_KEY_ID, {
        "Ref": lambda n, p: n, "KeyId": lambda n, p: n, "Arn": lambda n, p: _arn("kms", "key/" + n)}),
    "AWS::KMS::Alias": ("AliasName", lambda lid: "alias/" + lid.lower(), {"Ref": lambda n, p: n}),
    "AWS::Lambda::Function": ("FunctionName", _lower, {
        "Ref": lambda n, p: n, "Arn": lambda n, p: _arn("lambda", "function:" + n)}),
    "AWS::Logs::LogGroup": ("LogGroupName", lambda lid: "/aws/lambda/" + lid.lower(), {
        "Ref": lambda n, p: n, "Arn": lambda n, p: _arn("logs", "log-group:%s:*" % n)}),
    "AWS::SQS::Queue": ("QueueName", _lower, {
        "Ref": lambda n, p: "https://sqs.%s.amazonaws.com/%s/%s" % (REGION, ACCOUNT, n),
        "QueueUrl": lambda n, p: "https://sqs.%s.amazonaws.com/%s/%s" % (REGION, ACCOUNT, n),
        "QueueName": lambda n, p: n, "Arn": lambda n, p: _arn("sqs", n)}),
    "AWS::SNS::Topic": ("TopicName", _lower, {
        "Ref": lambda n, p: _arn("sns", n), "TopicArn": lambda n, p: _arn("sns", n), "TopicName": lambda n, p: n}),
    "AWS::Events::Rule": ("Name", _lower, {
        "Ref": lambda n, p: n, "Arn": lambda n, p: _arn("events", "rule/" + n)}),
    "AWS::Events::EventBus": ("Name", _lower, {
        "Ref": lambda n, p: n, "Name": lambda n, p: n, "Arn": lambda n, p: _arn("events", "event-bus/" + n)}),
    "AWS::Scheduler::Schedule": ("Name", _lower, {
        "Ref": lambda n, p: n,
        "Arn": lambda n, p: _arn("scheduler", "schedule/%s/%s" % (p("GroupName") or "default", n))}),
    "AWS::Scheduler::ScheduleGroup": ("Name", _lower, {
        "Ref": lambda n, p: n, "Arn": lambda n, p: _arn("scheduler", "schedule-group/" + n)}),
    "AWS::IAM::Role": ("RoleName", _lower, {
        "Ref": lambda n, p: n, "Arn": lambda n, p: "arn:aws:iam::%s:role/%s" % (ACCOUNT, n),
        "RoleId": lambda n, p: "AROA1234567890EXAMPLE"}),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", _lower, {
        "Ref": lambda n, p: "arn:aws:iam::%s:policy/%s" % (ACCOUNT, n),
        "PolicyArn": lambda n, p: "arn:aws:iam::%s:policy/%s" % (ACCOUNT, n)}),
    "AWS::Backup::BackupVault": ("BackupVaultName", _lower, {
        "Ref": lambda n, p: n, "BackupVaultName": lambda n, p: n,
        "BackupVaultArn": lambda n, p: _arn("backup", "backup-vault:" + n)}),
    "AWS::Backup::BackupPlan": (None, lambda lid: "8d2b6e0f-1a2b-4c3d-9e8f-0123456789ab", {
        "Ref": lambda n, p: n, "BackupPlanId": lambda n, p: n,
        "BackupPlanArn": lambda n, p: _arn("backup", "backup-plan:" + n),
        "VersionId": lambda n, p: "ZjQ2ZTI5YTQtZWI4Zi00Mzk4LTg5NzItZWE0ZTIwNDM2MzE4"}),
    "AWS::DynamoDB::Table": ("TableName", _lower, {
        "Ref": lambda n, p: n, "Arn": lambda n, p: _arn("dynamodb", "table/" + n),
        "StreamArn": lambda n, p: _arn("dynamodb", "table/%s/stream/2025-01-01T00:00:00.000" % n)}),
    "AWS::StepFunctions::StateMachine": ("StateMachineName", _lower, {
        "Ref": lambda n, p: _arn("states", "stateMachine:" + n), "Arn": lambda n, p: _arn("states", "stateMachine:" + n),
        "Name": lambda n, p: n}),
    "AWS::SecretsManager::Secret": ("Name", _lower, {
        "Ref": lambda n, p: _arn("secretsmanager", "secret:%s-AbCdEf" % n),
        "Id": lambda n, p: _arn("secretsmanager", "secret:%s-AbCdEf" % n)}),
}


class CfnResolver:
    def __init__(self, template):
        self.t = template if isinstance(template, dict) else {}
        self.resources = self.t.get("Resources") or {}
        self.params = self.t.get("Parameters") or {}
        self.conditions = self.t.get("Conditions") or {}
        self.active = set()

    def resolve(self, node):
        if isinstance(node, dict):
            if len(node) == 1:
                (k, v), = node.items()
                if k == "Ref":
                    return self.ref(v)
                if k.startswith("Fn::"):
                    return self.fn(k, v)
            out = {}
            for k, v in node.items():
                r = self.resolve(v)
                if r is not NOVALUE:
                    out[k] = r
            return out
        if isinstance(node, list):
            return [r for r in (self.resolve(x) for x in node) if r is not NOVALUE]
        return node

    def ref(self, name):
        name = self.resolve(name)
        if not isinstance(name, str):
            raise Unresolvable("Ref to a non-string %r" % (name,))
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.params:
            p = self.params[name] or {}
            if "Default" in p:
                d = p["Default"]
                if isinstance(d, str) and (str(p.get("Type", "")).startswith("List<") or p.get("Type") == "CommaDelimitedList"):
                    return [x.strip() for x in d.split(",")]
                return d if isinstance(d, (list, str)) else str(d)
            # A parameter that takes a KMS key ARN (drc's key of a bucket in another
            # region) gets a key ARN of the region its pattern names.
            m = re.match(r"\^arn:aws\[a-z-\]\*:kms:([a-z0-9-]+):", str(p.get("AllowedPattern", "")))
            if m:
                return "arn:%s:kms:%s:%s:key/%s" % (PARTITION, m.group(1), ACCOUNT, KMS_KEY_ID)
            return "example-" + name.lower()
        if name in self.resources:
            return self.attr(name, "Ref")
        raise Unresolvable("!Ref %s: no such parameter, resource or pseudo parameter" % name)

    def attr(self, lid, att):
        res = self.resources.get(lid)
        if not isinstance(res, dict):
            raise Unresolvable("reference to %s.%s: no such resource" % (lid, att))
        typ = res.get("Type")
        spec = CFN_TYPES.get(typ)
        if spec is None:
            raise Unresolvable("reference to %s (type %s): this validator has no ARN/name model for that type; "
                               "add it to CFN_TYPES in .ci/validate-outputs.py" % (lid, typ))
        name_prop, default_name, attrs = spec
        if att not in attrs:
            raise Unresolvable("%s.%s: attribute %s of %s is not modelled in CFN_TYPES" % (lid, att, att, typ))
        props = res.get("Properties") or {}

        def prop(p):
            key = (lid, p)
            if key in self.active or p not in props:
                return None
            self.active.add(key)
            try:
                v = self.resolve(props[p])
            finally:
                self.active.discard(key)
            return v if isinstance(v, str) else None

        name = (prop(name_prop) if name_prop else None) or default_name(lid)
        return attrs[att](name, prop)

    def fn(self, k, v):
        if k == "Fn::GetAtt":
            if isinstance(v, str):
                if "." not in v:
                    raise Unresolvable("Fn::GetAtt %r: expected LogicalId.Attribute" % v)
                lid, att = v.split(".", 1)
            elif isinstance(v, list) and len(v) == 2:
                lid, att = v[0], self.resolve(v[1])
            else:
                raise Unresolvable("malformed Fn::GetAtt %r" % (v,))
            return self.attr(lid, att)
        if k == "Fn::Sub":
            if isinstance(v, list):
                if len(v) != 2 or not isinstance(v[1], dict):
                    raise Unresolvable("malformed Fn::Sub %r" % (v,))
                text, local = v[0], {kk: self.resolve(vv) for kk, vv in v[1].items()}
            else:
                text, local = v, {}
            text = self.resolve(text)
            if not isinstance(text, str):
                raise Unresolvable("Fn::Sub of a non-string")

            def repl(m):
                inner = m.group(1)
                if inner.startswith("!"):
                    return "${" + inner[1:] + "}"
                inner = inner.strip()
                if inner in local:
                    val = local[inner]
                elif inner in PSEUDO or inner in self.params or inner in self.resources:
                    val = self.ref(inner)
                elif "." in inner:
                    val = self.attr(*inner.split(".", 1))
                else:
                    raise Unresolvable("Fn::Sub variable ${%s}: no such parameter, resource or pseudo parameter" % inner)
                if not isinstance(val, str):
                    raise Unresolvable("Fn::Sub variable ${%s} is not a string (%r)" % (inner, val))
                return val
            return re.sub(r"\$\{([^}]*)\}", repl, text)
        if k == "Fn::Join":
            if not (isinstance(v, list) and len(v) == 2):
                raise Unresolvable("malformed Fn::Join %r" % (v,))
            delim, items = self.resolve(v[0]), self.resolve(v[1])
            if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
                raise Unresolvable("Fn::Join over something that is not a list of strings: %r" % (items,))
            return delim.join(items)
        if k == "Fn::Select":
            idx, items = self.resolve(v[0]), self.resolve(v[1])
            return items[int(idx)]
        if k == "Fn::Split":
            delim, s = self.resolve(v[0]), self.resolve(v[1])
            return s.split(delim)
        if k == "Fn::If":
            cond, a, b = v
            return self.resolve(a if self.condition(cond) else b)
        raise Unresolvable("intrinsic function %s is not supported by the policy resolver" % k)

    def condition(self, name):
        if name not in self.conditions:
            raise Unresolvable("no such condition %r" % name)
        if name in self.active:
            raise Unresolvable("condition %r refers to itself" % name)
        self.active.add(name)
        try:
            return self.cond_expr(self.conditions[name])
        finally:
            self.active.discard(name)

    def cond_expr(self, e):
        if isinstance(e, dict) and len(e) == 1:
            (k, v), = e.items()
            if k == "Condition":
                return self.condition(v)
            if k == "Fn::Equals":
                a, b = (self.resolve(x) for x in v)
                return str(a) == str(b)
            if k == "Fn::Not":
                return not self.cond_expr(v[0])
            if k == "Fn::And":
                return all(self.cond_expr(x) for x in v)
            if k == "Fn::Or":
                return any(self.cond_expr(x) for x in v)
        raise Unresolvable("unsupported condition %r" % (e,))


class Policy:
    """One policy document found in a file: where it came from and what to do with it."""

    def __init__(self, origin, kind, raw=None, resolve=None, src_line=None, stmt_lines=None, why_skip=None):
        self.origin = origin          # e.g. "Resources/BackupRole Policies[0] 'BackupPolicy'"
        self.kind = kind              # identity | s3-bucket | trust | kms | resource
        self.raw = raw
        self.resolve = resolve        # function raw -> concrete document (may raise Unresolvable)
        self.src_line = src_line
        self.stmt_lines = stmt_lines or []
        self.why_skip = why_skip


def cfn_policies(path, venv):
    py = os.path.join(venv, "bin", "python")
    cp = run([py, "-c", CFN_LOADER, path])
    try:
        loaded = json.loads(cp.stdout)
    except ValueError:
        raise Unresolvable("cannot load the template with cfn-lint's loader (exit %d): %s" % (cp.returncode, tail(cp.stderr)))
    if loaded.get("errors") or not isinstance(loaded.get("template"), dict):
        raise Unresolvable("cfn-lint's loader could not parse the template: %s" % "; ".join(loaded.get("errors") or ["empty"]))
    tpl, lines = loaded["template"], loaded["lines"]
    resolver = CfnResolver(tpl)
    out = []

    def stmt_lines(ptr, doc):
        st = doc.get("Statement") if isinstance(doc, dict) else None
        if isinstance(st, list):
            return [lines.get(ptr + jptr("Statement", i)) for i in range(len(st))]
        return [lines.get(ptr + jptr("Statement"))]

    def add(origin, kind, ptr, doc, why_skip=None):
        out.append(Policy(origin, kind, raw=doc, resolve=resolver.resolve, src_line=line_of(lines, ptr),
                          stmt_lines=stmt_lines(ptr, doc), why_skip=why_skip))

    for lid, res in (tpl.get("Resources") or {}).items():
        if not isinstance(res, dict):
            continue
        typ = res.get("Type")
        props = res.get("Properties") or {}
        base = jptr("Resources", lid, "Properties")
        if typ in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
            if typ == "AWS::IAM::Role" and "AssumeRolePolicyDocument" in props:
                add("%s (%s) AssumeRolePolicyDocument" % (lid, typ), "trust", base + jptr("AssumeRolePolicyDocument"),
                    props["AssumeRolePolicyDocument"], "trust policy")
            pols = props.get("Policies") or []
            if isinstance(pols, dict):
                pols = resolver.resolve(pols)
            for i, p in enumerate(pols if isinstance(pols, list) else []):
                if not isinstance(p, dict):
                    continue
                name = p.get("PolicyName")
                add("%s (%s) Policies[%d] %r" % (lid, typ, i, name if isinstance(name, str) else json.dumps(name)),
                    "identity", base + jptr("Policies", i, "PolicyDocument"), p.get("PolicyDocument"))
        elif typ in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
            name = props.get("ManagedPolicyName") or props.get("PolicyName") or lid
            add("%s (%s) %r" % (lid, typ, name if isinstance(name, str) else json.dumps(name)), "identity",
                base + jptr("PolicyDocument"), props.get("PolicyDocument"))
        elif typ == "AWS::S3::BucketPolicy":
            add("%s (%s)" % (lid, typ), "s3-bucket", base + jptr("PolicyDocument"), props.get("PolicyDocument"))
        elif typ == "AWS::KMS::Key":
            if "KeyPolicy" in props:
                add("%s (%s) KeyPolicy" % (lid, typ), "kms", base + jptr("KeyPolicy"), props["KeyPolicy"], "KMS key policy")
        else:
            for prop, v in props.items():
                if isinstance(v, dict) and "Statement" in v:
                    add("%s (%s) %s" % (lid, typ, prop), "resource", base + jptr(prop), v,
                        "resource policy (parliament runs on identity and S3 bucket policies only)")
    return out


# --------------------------------------------------------------------------------------------
# check 3: parliament -- Terraform JSON policies
# --------------------------------------------------------------------------------------------

# type -> (name argument, default name from NAME, {attribute: f(name, args)})
TF_TYPES = {
    "aws_s3_bucket": ("bucket", lambda n: n + "-bucket", {
        "arn": lambda n, a: "arn:aws:s3:::" + n, "id": lambda n, a: n, "bucket": lambda n, a: n,
        "bucket_domain_name": lambda n, a: n + ".s3.amazonaws.com",
        "bucket_regional_domain_name": lambda n, a: "%s.s3.%s.amazonaws.com" % (n, REGION)}),
    "aws_kms_key": (None, lambda n: KMS_KEY_ID, {
        "arn": lambda n, a: _arn("kms", "key/" + n), "id": lambda n, a: n, "key_id": lambda n, a: n}),
    "aws_kms_alias": ("name", lambda n: "alias/" + n, {
        "arn": lambda n, a: _arn("kms", n), "name": lambda n, a: n, "id": lambda n, a: n,
        "target_key_arn": lambda n, a: _arn("kms", "key/" + KMS_KEY_ID)}),
    "aws_lambda_function": ("function_name", lambda n: n, {
        "arn": lambda n, a: _arn("lambda", "function:" + n), "function_name": lambda n, a: n, "id": lambda n, a: n,
        "qualified_arn": lambda n, a: _arn("lambda", "function:%s:$LATEST" % n),
        "invoke_arn": lambda n, a: "arn:aws:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations"
                                   % (REGION, _arn("lambda", "function:" + n))}),
    "aws_cloudwatch_log_group": ("name", lambda n: "/aws/lambda/" + n, {
        "arn": lambda n, a: _arn("logs", "log-group:" + n), "name": lambda n, a: n, "id": lambda n, a: n}),
    "aws_sqs_queue": ("name", lambda n: n, {
        "arn": lambda n, a: _arn("sqs", n), "name": lambda n, a: n,
        "id": lambda n, a: "https://sqs.%s.amazonaws.com/%s/%s" % (REGION, ACCOUNT, n),
        "url": lambda n, a: "https://sqs.%s.amazonaws.com/%s/%s" % (REGION, ACCOUNT, n)}),
    "aws_sns_topic": ("name", lambda n: n, {
        "arn": lambda n, a: _arn("sns", n), "id": lambda n, a: _arn("sns", n), "name": lambda n, a: n}),
    "aws_cloudwatch_event_rule": ("name", lambda n: n, {
        "arn": lambda n, a: _arn("events", "rule/" + n), "name": lambda n, a: n, "id": lambda n, a: n}),
    "aws_cloudwatch_event_bus": ("name", lambda n: n, {
        "arn": lambda n, a: _arn("events", "event-bus/" + n), "name": lambda n, a: n, "id": lambda n, a: n}),
    "aws_scheduler_schedule": ("name", lambda n: n, {
        "arn": lambda n, a: _arn("scheduler", "schedule/%s/%s" % (a("group_name") or "default", n)),
        "name": lambda n, a: n, "id": lambda n, a: "%s/%s" % (a("group_name") or "default", n)}),
    "aws_scheduler_schedule_group": ("name", lambda n: n, {
        "arn": lambda n, a: _arn("scheduler", "schedule-group/" + n), "name": lambda n, a: n, "id": lambda n, a: n}),
    "aws_iam_role": ("name", lambda n: n, {
        "arn": lambda n, a: "arn:aws:iam::%s:role/%s" % (ACCOUNT, n), "name": lambda n, a: n, "id": lambda n, a: n,
        "unique_id": lambda n, a: "AROA1234567890EXAMPLE"}),
    "aws_iam_policy": ("name", lambda n: n, {
        "arn": lambda n, a: "arn:aws:iam::%s:policy/%s" % (ACCOUNT, n), "name": lambda n, a: n,
        "id": lambda n, a: "arn:aws:iam::%s:policy/%s" % (ACCOUNT, n)}),
    "aws_backup_vault": ("name", lambda n: n, {
        "arn": lambda n, a: _arn("backup", "backup-vault:" + n), "name": lambda n, a: n, "id": lambda n, a: n}),
    "aws_backup_plan": (None, lambda n: "8d2b6e0f-1a2b-4c3d-9e8f-0123456789ab", {
        "arn": lambda n, a: _arn("backup", "backup-plan:" + n), "id": lambda n, a: n,
        "version": lambda n, a: "ZjQ2ZTI5YTQtZWI4Zi00Mzk4LTg5NzItZWE0ZTIwNDM2MzE4"}),
    "aws_dynamodb_table": ("name", lambda n: n, {
        "arn": lambda n, a: _arn("dynamodb", "table/" + n), "name": lambda n, a: n, "id": lambda n, a: n,
        "stream_arn": lambda n, a: _arn("dynamodb", "table/%s/stream/2025-01-01T00:00:00.000" % n)}),
    "aws_sfn_state_machine": ("name", lambda n: n, {
        "arn": lambda n, a: _arn("states", "stateMachine:" + n), "id": lambda n, a: _arn("states", "stateMachine:" + n),
        "name": lambda n, a: n}),
    "aws_secretsmanager_secret": ("name", lambda n: n, {
        "arn": lambda n, a: _arn("secretsmanager", "secret:%s-AbCdEf" % n),
        "id": lambda n, a: _arn("secretsmanager", "secret:%s-AbCdEf" % n)}),
}

TF_DATA = {
    "aws_caller_identity": {"account_id": ACCOUNT, "id": ACCOUNT,
                            "arn": "arn:aws:iam::%s:user/example" % ACCOUNT, "user_id": "AIDA1234567890EXAMPLE"},
    "aws_partition": {"partition": PARTITION, "id": PARTITION, "dns_suffix": "amazonaws.com",
                      "reverse_dns_prefix": "com.amazonaws"},
    "aws_region": {"region": REGION, "name": REGION, "id": REGION,
                   "endpoint": "ec2.%s.amazonaws.com" % REGION, "description": "Europe (Ireland)"},
}

TRAVERSAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])*")


class TfResolver:
    def __init__(self, doc):
        self.doc = doc
        self.resources = doc.get("resource") or {}
        self.variables = doc.get("variable") or {}
        self.locals = {}
        loc = doc.get("locals") or {}
        for block in (loc if isinstance(loc, list) else [loc]):
            if isinstance(block, dict):
                self.locals.update(block)
        self.active = set()

    def resolve(self, node):
        if isinstance(node, dict):
            return {k: self.resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [self.resolve(x) for x in node]
        if isinstance(node, str):
            return self.template(node)
        return node

    def template(self, s):
        """Evaluate a Terraform string template made only of literal text and simple references."""
        parts, i, n = [], 0, len(s)
        single = None
        while i < n:
            if s.startswith("$${", i):
                parts.append("${")
                i += 3
            elif s.startswith("%%{", i):
                parts.append("%{")
                i += 3
            elif s.startswith("%{", i):
                raise Unresolvable("template directive %%{...} in %r is not supported" % s)
            elif s.startswith("${", i):
                j = s.find("}", i + 2)
                if j < 0:
                    raise Unresolvable("unterminated ${ in %r" % s)
                val = self.expr(s[i + 2:j])
                if i == 0 and j == n - 1:
                    single = val
                parts.append(val)
                i = j + 1
            else:
                j = i
                while j < n and not (s.startswith("${", j) or s.startswith("$${", j) or s.startswith("%{", j)
                                     or s.startswith("%%{", j)):
                    j += 1
                parts.append(s[i:j])
                i = j
        if single is not None:
            return single
        for p in parts:
            if not isinstance(p, str):
                raise Unresolvable("reference in %r is not a string (%r)" % (s, p))
        return "".join(parts)

    def expr(self, e):
        e = e.strip().lstrip("~").rstrip("~").strip()
        if not TRAVERSAL.fullmatch(e):
            raise Unresolvable("${%s}: only plain references are supported by the policy resolver" % e)
        parts = re.split(r"\.|(?=\[)", e)
        root = parts[0]
        if root == "var":
            v = self.variables.get(parts[1]) if len(parts) > 1 else None
            if not isinstance(v, dict) or "default" not in v:
                raise Unresolvable("${%s}: no such variable, or it has no default" % e)
            return self.index(v["default"], parts[2:], e)
        if root == "local":
            if len(parts) < 2 or parts[1] not in self.locals:
                raise Unresolvable("${%s}: no such local value" % e)
            key = ("local", parts[1])
            if key in self.active:
                raise Unresolvable("${%s}: cyclic local value" % e)
            self.active.add(key)
            try:
                return self.index(self.resolve(self.locals[parts[1]]), parts[2:], e)
            finally:
                self.active.discard(key)
        if root == "data":
            if len(parts) < 4:
                raise Unresolvable("${%s}: incomplete data source reference" % e)
            dtype, dname, att = parts[1], parts[2], parts[3]
            if dname not in ((self.doc.get("data") or {}).get(dtype) or {}):
                raise Unresolvable("${%s}: data source %s.%s is not declared" % (e, dtype, dname))
            table = TF_DATA.get(dtype)
            if table is None or att not in table:
                raise Unresolvable("${%s}: this validator has no value for data.%s.*.%s; add it to TF_DATA" % (e, dtype, att))
            return table[att]
        if root in ("path", "terraform", "count", "each", "self", "module", "ephemeral"):
            raise Unresolvable("${%s}: %s.* references are not supported in policies" % (e, root))
        if len(parts) < 3:
            raise Unresolvable("${%s}: a resource reference needs TYPE.NAME.ATTRIBUTE" % e)
        rtype, rname, att = parts[0], parts[1], parts[2]
        body = (self.resources.get(rtype) or {}).get(rname)
        if body is None:
            raise Unresolvable("${%s}: resource %s.%s is not declared" % (e, rtype, rname))
        spec = TF_TYPES.get(rtype)
        if spec is None:
            raise Unresolvable("${%s}: this validator has no ARN/name model for %s; add it to TF_TYPES" % (e, rtype))
        name_arg, default_name, attrs = spec
        if att not in attrs:
            raise Unresolvable("${%s}: attribute %s of %s is not modelled in TF_TYPES" % (e, att, rtype))

        def arg(a):
            key = (rtype, rname, a)
            if not isinstance(body, dict) or a not in body or key in self.active:
                return None
            self.active.add(key)
            try:
                v = self.resolve(body[a])
            finally:
                self.active.discard(key)
            return v if isinstance(v, str) else None

        name = (arg(name_arg) if name_arg else None) or default_name(rname)
        return attrs[att](name, arg)

    @staticmethod
    def index(value, rest, e):
        for r in rest:
            m = re.fullmatch(r"\[([0-9]+)\]", r)
            try:
                value = value[int(m.group(1))] if m else value[r]
            except (KeyError, IndexError, TypeError):
                raise Unresolvable("${%s}: cannot index %r with %s" % (e, value, r))
        return value


def _blocks(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def _one_or_list(values):
    values = list(values)
    return values[0] if len(values) == 1 else values


def tf_statement_to_iam(st):
    """One `statement` block of data.aws_iam_policy_document, converted to IAM JSON (unresolved)."""
    known = {"sid", "effect", "actions", "not_actions", "resources", "not_resources", "principals",
             "not_principals", "condition"}
    extra = sorted(set(st) - known)
    if extra:
        raise Unresolvable("statement has arguments the converter does not know: %s" % ", ".join(extra))
    out = {}
    if st.get("sid"):
        out["Sid"] = st["sid"]
    out["Effect"] = st.get("effect") or "Allow"
    for tf_key, iam_key in (("actions", "Action"), ("not_actions", "NotAction"),
                            ("resources", "Resource"), ("not_resources", "NotResource")):
        if st.get(tf_key) is not None:
            out[iam_key] = _one_or_list(_blocks(st[tf_key]))
    for tf_key, iam_key in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = _blocks(st.get(tf_key))
        if not blocks:
            continue
        if any(b.get("type") == "*" for b in blocks):
            out[iam_key] = "*"
            continue
        pr = {}
        for b in blocks:
            pr.setdefault(b.get("type"), []).extend(_blocks(b.get("identifiers")))
        out[iam_key] = {k: _one_or_list(v) for k, v in pr.items()}
    conds = _blocks(st.get("condition"))
    if conds:
        c = {}
        for b in conds:
            c.setdefault(b.get("test"), {}).setdefault(b.get("variable"), []).extend(_blocks(b.get("values")))
        out["Condition"] = {t: {k: _one_or_list(v) for k, v in vs.items()} for t, vs in c.items()}
    return out


def tf_document_to_iam(body):
    known = {"statement", "version", "policy_id", "depends_on", "provider", "//"}
    extra = sorted(set(body) - known)
    if extra:
        raise Unresolvable("aws_iam_policy_document arguments the converter does not support: %s" % ", ".join(extra))
    doc = {"Version": body.get("version") or "2012-10-17"}
    if body.get("policy_id"):
        doc["Id"] = body["policy_id"]
    doc["Statement"] = [tf_statement_to_iam(s) for s in _blocks(body.get("statement"))]
    return doc


# (resource type, argument) -> kind of policy
TF_POLICY_ARGS = {
    ("aws_iam_role", "assume_role_policy"): "trust",
    ("aws_iam_role", "inline_policy.policy"): "identity",
    ("aws_iam_role_policy", "policy"): "identity",
    ("aws_iam_policy", "policy"): "identity",
    ("aws_iam_user_policy", "policy"): "identity",
    ("aws_iam_group_policy", "policy"): "identity",
    ("aws_s3_bucket_policy", "policy"): "s3-bucket",
    ("aws_s3_bucket", "policy"): "s3-bucket",
    ("aws_kms_key", "policy"): "kms",
    ("aws_kms_key_policy", "policy"): "kms",
}
SKIP_REASON = {"trust": "trust (assume-role) policy", "kms": "KMS key policy",
               "resource": "resource policy (parliament runs on identity and S3 bucket policies only)"}
DATA_DOC_REF = re.compile(r"^\$\{\s*data\.aws_iam_policy_document\.([A-Za-z_][A-Za-z0-9_-]*)\.json\s*\}$")


def _raiser(message):
    def fail(_raw):
        raise Unresolvable(message)
    return fail


def tf_policies(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise Unresolvable("not valid JSON: %s" % e)
    if not isinstance(doc, dict):
        raise Unresolvable("top level is not a JSON object")
    pos = json_positions(text)
    resolver = TfResolver(doc)
    out = []
    data_docs = (doc.get("data") or {}).get("aws_iam_policy_document") or {}
    uses = {name: [] for name in data_docs}

    def candidates():
        for rtype, insts in sorted((doc.get("resource") or {}).items()):
            for rname, body in sorted((insts or {}).items()):
                if not isinstance(body, dict):
                    continue
                for key, val in body.items():
                    if isinstance(val, str):
                        yield rtype, rname, key, val, jptr("resource", rtype, rname, key)
                    elif key == "inline_policy":
                        for i, blk in enumerate(_blocks(val)):
                            if isinstance(blk, dict) and isinstance(blk.get("policy"), str):
                                p = jptr("resource", rtype, rname, key) + (jptr(i) if isinstance(val, list) else "")
                                yield rtype, rname, key + ".policy", blk["policy"], p + jptr("policy")

    for rtype, rname, key, val, ptr in candidates():
        m = DATA_DOC_REF.match(val)
        kind = TF_POLICY_ARGS.get((rtype, key))
        if m:
            dname = m.group(1)
            if dname not in data_docs:
                out.append(Policy("%s.%s %s" % (rtype, rname, key), kind or "resource", src_line=line_of(pos, ptr),
                                  raw=val, resolve=_raiser("data.aws_iam_policy_document.%s is not declared" % dname)))
                continue
            uses[dname].append((kind or "resource", "%s.%s.%s" % (rtype, rname, key)))
            continue
        stripped = val.strip()
        if not stripped.startswith("{"):
            if kind and "${" in val:
                out.append(Policy("%s.%s %s" % (rtype, rname, key), kind, src_line=line_of(pos, ptr), raw=val,
                                  resolve=_raiser("policy argument %r is neither a JSON document nor "
                                                  "${data.aws_iam_policy_document.NAME.json}" % val)))
            continue
        try:
            pdoc = json.loads(stripped)
        except ValueError as e:
            if kind:
                out.append(Policy("%s.%s %s" % (rtype, rname, key), kind, src_line=line_of(pos, ptr), raw=val,
                                  resolve=_raiser("policy string is not JSON: %s" % e)))
            continue
        if not (isinstance(pdoc, dict) and "Statement" in pdoc):
            continue
        kind = kind or "resource"
        line = line_of(pos, ptr)
        st = pdoc.get("Statement")
        out.append(Policy("%s.%s %s (JSON string)" % (rtype, rname, key), kind, raw=pdoc, resolve=resolver.resolve,
                          src_line=line, stmt_lines=[line] * (len(st) if isinstance(st, list) else 1),
                          why_skip=SKIP_REASON.get(kind)))

    for dname, body in sorted(data_docs.items()):
        kinds = sorted({k for k, _ in uses[dname]})
        where = ", ".join(w for _, w in sorted(uses[dname])) or "not referenced by any resource"
        ptr = jptr("data", "aws_iam_policy_document", dname)
        body = body if isinstance(body, dict) else {}
        stmts = body.get("statement")
        if isinstance(stmts, list):
            slines = [line_of(pos, ptr + jptr("statement", i)) for i in range(len(stmts))]
        else:
            slines = [line_of(pos, ptr + jptr("statement"))]
        if set(kinds) & {"identity", "s3-bucket"}:
            kind = "identity" if "identity" in kinds else "s3-bucket"
            why = None
        elif kinds:
            kind = kinds[0]
            why = SKIP_REASON.get(kind, "policy used as " + "/".join(kinds))
        elif any(_blocks(s.get("principals")) or _blocks(s.get("not_principals"))
                 for s in _blocks(stmts) if isinstance(s, dict)):
            kind, why = "resource", "unreferenced document with principals (a resource or trust policy)"
        else:
            kind, why = "identity", None
        out.append(Policy("data.aws_iam_policy_document.%s (used by %s)" % (dname, where), kind, raw=body,
                          resolve=lambda b: resolver.resolve(tf_document_to_iam(b)),
                          src_line=line_of(pos, ptr), stmt_lines=slines, why_skip=why))
    return out


# --------------------------------------------------------------------------------------------
# check 3: parliament -- running it
# --------------------------------------------------------------------------------------------

def render_policy(doc):
    """Pretty JSON text of a policy and, per statement, its (first, last) line in that text."""
    st = doc.get("Statement") if isinstance(doc, dict) else None
    if isinstance(st, dict):
        st = [st]
    if not isinstance(st, list):
        return json.dumps(doc, indent=2) + "\n", []
    lines = ["{"]
    for k, v in doc.items():
        if k != "Statement":
            lines.append("  %s: %s," % (json.dumps(k), json.dumps(v)))
    lines.append('  "Statement": [')
    ranges = []
    for i, s in enumerate(st):
        body = json.dumps(s, indent=2).splitlines()
        start = len(lines) + 1
        for j, l in enumerate(body):
            lines.append("    " + l + ("," if j == len(body) - 1 and i < len(st) - 1 else ""))
        ranges.append((start, len(lines)))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n", ranges


def check_parliament(path, venv, show=False):
    res = Result(path, "parliament")
    try:
        policies = cfn_policies(path, venv) if path.endswith(".cfn.yaml") else tf_policies(path)
    except Unresolvable as e:
        res.fail("%s: cannot extract policies: %s" % (path, e))
        res.summary = "policies not extracted"
        return res
    parliament = os.path.join(venv, "bin", "parliament")
    linted = skipped = findings = 0
    for pol in sorted(policies, key=lambda p: (p.src_line or 0, p.origin)):
        where = "%s:%s" % (path, pol.src_line) if pol.src_line else path
        if pol.why_skip:
            skipped += 1
            res.info("%s: skipped %s: %s" % (where, pol.origin, pol.why_skip))
            continue
        try:
            concrete = pol.resolve(pol.raw)
        except Unresolvable as e:
            res.fail("%s: cannot make policy concrete, %s: %s" % (where, pol.origin, e))
            continue
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as e:
            res.fail("%s: cannot make policy concrete, %s: %s: %s" % (where, pol.origin, type(e).__name__, e))
            continue
        if not isinstance(concrete, dict):
            res.fail("%s: %s: policy document is not an object: %s" % (where, pol.origin, short(concrete)))
            continue
        linted += 1
        text, ranges = render_policy(concrete)
        cp = run([parliament, "--json", "--minimum_severity", "INFO"], stdin_text=text)
        found = []
        bad_output = []
        for line in cp.stdout.splitlines():
            if not line.strip():
                continue
            try:
                found.append(json.loads(line))
            except ValueError:
                bad_output.append(line)
        if cp.returncode not in (0, 1) or bad_output or (cp.returncode == 1 and not found):
            res.fail("%s: parliament failed on %s (exit %d): %s" % (
                where, pol.origin, cp.returncode, tail(cp.stderr or "\n".join(bad_output))))
            continue
        stmts = concrete.get("Statement")
        stmts = [stmts] if isinstance(stmts, dict) else (stmts if isinstance(stmts, list) else [])
        if show:
            res.info("%s: %s made concrete:\n%s" % (where, pol.origin, text.rstrip()))
        if not found:
            res.info("%s: linted %s (%s policy, %d statements): no findings" % (where, pol.origin, pol.kind, len(stmts)))
        for f in found:
            findings += 1
            loc = f.get("location") or {}
            fl = loc.get("line")
            idx = next((i for i, (a, b) in enumerate(ranges) if isinstance(fl, int) and a <= fl <= b), None)
            src = where
            if idx is not None and idx < len(pol.stmt_lines) and pol.stmt_lines[idx]:
                src = "%s:%s" % (path, pol.stmt_lines[idx])
            if idx is not None:
                st = stmts[idx]
                sid = st.get("Sid") if isinstance(st, dict) else None
                stmt_desc = "statement %d%s" % (idx, " (Sid %s)" % sid if sid else "")
            else:
                stmt_desc = "whole policy"
            detail = f.get("detail")
            msg = "%s: %s %s: %s -- %s, %s" % (src, f.get("severity", "?"), f.get("issue", "?"), f.get("title", ""),
                                              pol.origin, stmt_desc)
            if detail not in (None, "", []):
                msg += "\ndetail: %s" % short(detail)
            if loc.get("string"):
                msg += "\nat: %s" % short(loc.get("string"))
            msg += "\nstatement (made concrete): %s" % short(stmts[idx] if idx is not None else concrete, 1200)
            res.fail(msg)
    if not policies:
        res.info("%s: no policy documents found" % path)
    res.summary = "%d policies linted, %d skipped, %d findings" % (linted, skipped, findings)
    return res


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------

def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--venv", default="/tmp/validators/venv", help="venv with cfn-lint, checkov and parliament")
    ap.add_argument("--check-tf", default="../shared/validators/check-tf.py", help="path of check-tf.py")
    ap.add_argument("--security-doc", help="Markdown file listing accepted checkov check ids (docs/security.md)")
    ap.add_argument("--show-policies", action="store_true", help="print every policy document fed to parliament")
    ap.add_argument("--jobs", type=int, default=min(4, max(2, os.cpu_count() or 2)), help="parallel tool runs")
    ap.add_argument("out_dirs", nargs="+", metavar="OUT_DIR")
    args = ap.parse_args(argv[1:])

    problems = []
    for tool in ("cfn-lint", "checkov", "parliament", "python"):
        if not os.access(os.path.join(args.venv, "bin", tool), os.X_OK):
            problems.append("%s not found in %s/bin (run .ci/install-validators.sh %s)" % (tool, args.venv, args.venv))
    if not os.path.isfile(args.check_tf):
        problems.append("check-tf script %s not found" % args.check_tf)
    accept, accept_source = set(), "the security document"
    if args.security_doc:
        accept_source = args.security_doc
        try:
            accept = accepted_ids(args.security_doc)
        except OSError as e:
            problems.append("cannot read security document: %s" % e)
    files, empty_dirs = [], []
    for d in args.out_dirs:
        if not os.path.isdir(d):
            problems.append("%s is not a directory" % d)
            continue
        found = sorted(os.path.join(d, f) for f in os.listdir(d)
                       if (f.endswith(".cfn.yaml") or f.endswith(".tf.json")) and os.path.isfile(os.path.join(d, f)))
        if not found:
            empty_dirs.append(d)
        files.extend(found)
    if problems:
        for p in problems:
            print("validate: setup error: " + p, file=sys.stderr)
        return 2
    seen, unique = set(), []
    for f in files:
        rp = os.path.realpath(f)
        if rp not in seen:
            seen.add(rp)
            unique.append(f)
    files = sorted(unique)

    tasks = []
    for f in files:
        if f.endswith(".cfn.yaml"):
            tasks.append((f, "cfn-lint", check_cfn_lint, (f, args.venv)))
        else:
            tasks.append((f, "check-tf", check_tf, (f, args.venv, args.check_tf)))
        tasks.append((f, "checkov", check_checkov, (f, args.venv, accept, accept_source)))
        tasks.append((f, "parliament", check_parliament, (f, args.venv, args.show_policies)))
    print("validating %d files (%d .cfn.yaml, %d .tf.json), %d checks, %d workers; accepted checkov ids from %s: %s" % (
        len(files), sum(f.endswith(".cfn.yaml") for f in files), sum(f.endswith(".tf.json") for f in files),
        len(tasks), args.jobs, accept_source, ", ".join(sorted(accept)) or "none"))
    sys.stdout.flush()

    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = {pool.submit(fn, *fargs): (f, check) for f, check, fn, fargs in tasks}
        for fut in concurrent.futures.as_completed(futs):
            f, check = futs[fut]
            try:
                results[(f, check)] = fut.result()
            except Exception as e:  # a bug here must not pass silently
                r = Result(f, check)
                r.fail("%s: internal error in the %s check: %s: %s" % (f, check, type(e).__name__, e))
                r.summary = "internal error"
                results[(f, check)] = r

    n_pass = n_fail = 0
    fired = set()
    failed_checks = 0
    for f in files:
        rs = [results[k] for k in sorted((k for k in results if k[0] == f), key=lambda k: CHECK_ORDER.index(k[1]))]
        ok = all(r.ok for r in rs)
        print("")
        print("%s %s" % ("PASS" if ok else "FAIL", f))
        for r in rs:
            fired |= r.fired
            failed_checks += 0 if r.ok else 1
            print("  %s %-10s %s" % ("ok  " if r.ok else "FAIL", r.check, r.summary))
            for line in r.failures:
                print("    FAIL " + line.replace("\n", "\n         "))
            for line in r.infos:
                print("    info " + line.replace("\n", "\n         "))
        if ok:
            n_pass += 1
        else:
            n_fail += 1
    print("")
    for d in empty_dirs:
        print("FAIL %s: no *.cfn.yaml or *.tf.json files in this output directory" % d)
        n_fail += 1
    unused = sorted(accept - fired)
    if unused:
        print("note: accepted in %s but never failed in any file (the rows can be pruned): %s"
              % (accept_source, ", ".join(unused)))
    if fired:
        print("note: checkov ids that failed in some file: %s" % ", ".join(sorted(fired)))
    print("checks: %d of %d failed" % (failed_checks, len(tasks)))
    print("validate: %d passed, %d failed" % (n_pass, n_fail))
    return 0 if n_fail == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
