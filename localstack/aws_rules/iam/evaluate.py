"""IAM policy evaluation for one principal's identity-based policies, as AWS documents it.

The AWS-rules layer runs every emulator test as a principal holding only `ecsnet iam-policy`'s output, so a request
the real policy would refuse must be refused here too. This module decides; it knows nothing of HTTP or of the layer:
the caller names the action (`ec2:CreateTags`), the resource ARN (or `*` for actions without one) and the request
context (condition key → value). Resource policies, SCPs, session policies and permissions boundaries are out of
scope; `_decide` is where a boundary would be intersected.

Documented rules this follows (each cited where it is enforced):
  evaluation logic  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  condition ops     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
  single vs multi   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
  keys AND/values OR https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
  variables         https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
  grammar           https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
  quotas            https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html

The context: the caller's mapping MUST be keyed by lower-cased condition key names (`aws:resourcetag/ecsnet:topology`),
because IAM compares key names case-insensitively. Values: str, bool, int/float, or a list/tuple (a list makes the
key multivalued, e.g. aws:TagKeys). None or an absent key means the key is not in the request. The mapping may be
lazy (fetch resource tags on first access): only keys that a policy condition names are looked up, with `.get()`.
"""
import datetime
import functools
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

EVALUATION_LOGIC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"
OPERATORS_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
SINGLE_VS_MULTI = ("https://docs.aws.amazon.com/IAM/latest/UserGuide/"
                   "reference_policies_condition-single-vs-multi-valued-context-keys.html")
VARIABLES_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"

MANAGED_POLICY_QUOTA = 6144  # characters, whitespace not counted: reference_iam-quotas.html ("IAM and AWS STS quotas")


@dataclass
class Grant:
    """One Allow (or Deny) statement that matched the request and whose Condition held."""
    policy: str   # the policy's name
    sid: str      # the statement's Sid, or "#<index>" (0-based position in Statement) when it has none
    action: str   # the Action entry (pattern) that matched, or "NotAction" when the statement uses NotAction


@dataclass
class Decision:
    allowed: bool
    explicit_deny: bool
    grants: list = field(default_factory=list)    # list[Grant]: every Allow statement that applied
    denials: list = field(default_factory=list)   # list[Grant]: every Deny statement that applied
    reason: str = ""                              # one line: why allowed / why denied


# ---------------------------------------------------------------------------------------------------------------
# Context access


class _Context:
    """The caller's mapping seen through lower-cased key names, each key fetched at most once.

    Condition key names are not case-sensitive (IAM JSON policy elements: Condition,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html), so every lookup
    lower-cases the name; memoizing keeps a lazy caller mapping from fetching tags twice in one evaluation.
    """

    _MISSING = object()

    def __init__(self, mapping: Mapping[str, object]):
        self._mapping = mapping
        self._seen: dict = {}

    def get(self, key: str):
        key = key.lower()
        value = self._seen.get(key, self._MISSING)
        if value is self._MISSING:
            value = self._mapping.get(key)
            self._seen[key] = value
        return value


def _text(value) -> str:
    """A context or policy scalar as IAM compares it: JSON booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------------------------------------------
# Wildcards and policy variables

_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def _variable(body: str, context: _Context | None) -> str | None:
    """The text `${body}` stands for, or None when it cannot be resolved.

    reference_policies_variables.html: `${*}`, `${?}`, `${$}` stand for the literal characters; `${key, 'default'}`
    gives a default; a key missing from the request, or a multivalued key (single-vs-multi page: "you cannot use a
    multivalued context key as a policy variable"), does not resolve and the value containing it matches nothing.
    """
    if body in ("*", "?", "$"):
        return body
    if context is None:
        return None
    key, _, default = body.partition(",")
    value = context.get(key.strip())
    if value is None or isinstance(value, (list, tuple)):
        default = default.strip()
        if len(default) >= 2 and default[0] == default[-1] == "'":
            return default[1:-1].replace("''", "'")
        return None
    return _text(value)


def _pattern(value: str, wildcards: bool, context: _Context | None) -> str | None:
    """`value` as a regular expression: `*`/`?` wildcards when `wildcards`, variables substituted when `context`.

    Substituted text and the three escapes are literal (reference_policies_variables.html). None: a variable did
    not resolve, so the value cannot match (same page, "Policy variables with no value").
    """
    if context is None or "${" not in value:
        return _glob(value, wildcards)
    out, pos = [], 0
    for match in _VARIABLE.finditer(value):
        out.append(_glob(value[pos:match.start()], wildcards))
        resolved = _variable(match.group(1), context)
        if resolved is None:
            return None
        out.append(re.escape(resolved))
        pos = match.end()
    out.append(_glob(value[pos:], wildcards))
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _glob(text: str, wildcards: bool) -> str:
    """Plain policy text as a regex: `*` any run of characters, `?` one character (when wildcards apply)."""
    if not wildcards:
        return re.escape(text)
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


@functools.lru_cache(maxsize=4096)
def _compiled(pattern: str, ignore_case: bool) -> "re.Pattern":
    """Policies repeat on every request: compile each pattern once (the layer evaluates every call)."""
    return re.compile(pattern, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _like(pattern: str | None, text: str, ignore_case: bool = False) -> bool:
    return pattern is not None and _compiled(pattern, ignore_case).fullmatch(text) is not None


def _action_matches(pattern: str, action: str) -> bool:
    """Action names are case-insensitive and take `*`/`?` anywhere, service prefix included.

    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
    """
    return _like(_glob(pattern, True), action, ignore_case=True)


def _arn_matches(pattern: str, arn: str, context: _Context | None) -> bool:
    """ARN matching as the Resource element and ArnLike/ArnEquals do it: each of the six colon-separated components
    compared on its own, each with `*`/`?` wildcards, case-sensitive (condition operators page, "Amazon Resource Name
    (ARN) condition operators"; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
    The resource component (the sixth) keeps any further colons. A pattern with fewer components, such as `*`, is
    matched against the whole ARN (a trailing `*` then spans colons, as the Resource page allows).
    """
    parts = pattern.split(":", 5)
    if len(parts) < 6:
        return _like(_pattern(pattern, True, context), arn)
    arn_parts = arn.split(":", 5)
    if len(arn_parts) < 6:
        return False
    return all(_like(_pattern(p, True, context), a) for p, a in zip(parts, arn_parts, strict=True))


# ---------------------------------------------------------------------------------------------------------------
# Condition operators
#
# Each base operator compares one request value with one policy value (`_Compare`). Multiple policy values are OR'ed,
# and for a negated operator NOR'ed: reference_policies_condition-logic-multiple-context-keys-or-values.html.

_Compare = Callable[[str, object, _Context | None], bool]


def _string_equals(value, policy, context):
    return _like(_pattern(_text(policy), False, context), value)


def _string_equals_ignore_case(value, policy, context):
    return _like(_pattern(_text(policy), False, context), value, ignore_case=True)


def _string_like(value, policy, context):
    return _like(_pattern(_text(policy), True, context), value)


def _arn_like(value, policy, context):
    return _arn_matches(_text(policy), value, context)


def _number(text) -> float | None:
    try:
        return float(_text(text))
    except ValueError:
        return None


def _numeric(test: Callable[[float, float], bool]) -> _Compare:
    """Numeric operators take no policy variables (condition operators page, "Numeric condition operators")."""
    def compare(value, policy, _context):
        left, right = _number(value), _number(policy)
        return left is not None and right is not None and test(left, right)
    return compare


def _date(text) -> datetime.datetime | None:
    """ISO 8601 or epoch seconds (condition operators page, "Date condition operators")."""
    text = _text(text)
    try:
        return datetime.datetime.fromtimestamp(float(text), datetime.UTC)
    except ValueError:
        pass
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _dated(test: Callable[[datetime.datetime, datetime.datetime], bool]) -> _Compare:
    def compare(value, policy, _context):
        left, right = _date(value), _date(policy)
        return left is not None and right is not None and test(left, right)
    return compare


def _bool(value, policy, context):
    """Bool compares true/false case-insensitively; policy variables are supported (condition operators page)."""
    expected = _pattern(_text(policy), False, context)
    return _like(expected, value.lower(), ignore_case=True)


def _ip_address(value, policy, _context):
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(_text(policy), strict=False)
    except ValueError:
        return False


# name → (compare, negated). A negated operator holds when no policy value matches.
_OPERATORS: dict = {
    "StringEquals": (_string_equals, False),
    "StringNotEquals": (_string_equals, True),
    "StringEqualsIgnoreCase": (_string_equals_ignore_case, False),
    "StringNotEqualsIgnoreCase": (_string_equals_ignore_case, True),
    "StringLike": (_string_like, False),
    "StringNotLike": (_string_like, True),
    "ArnEquals": (_arn_like, False),
    "ArnLike": (_arn_like, False),
    "ArnNotEquals": (_arn_like, True),
    "ArnNotLike": (_arn_like, True),
    "NumericEquals": (_numeric(lambda a, b: a == b), False),
    "NumericNotEquals": (_numeric(lambda a, b: a == b), True),
    "NumericLessThan": (_numeric(lambda a, b: a < b), False),
    "NumericLessThanEquals": (_numeric(lambda a, b: a <= b), False),
    "NumericGreaterThan": (_numeric(lambda a, b: a > b), False),
    "NumericGreaterThanEquals": (_numeric(lambda a, b: a >= b), False),
    "DateEquals": (_dated(lambda a, b: a == b), False),
    "DateNotEquals": (_dated(lambda a, b: a == b), True),
    "DateLessThan": (_dated(lambda a, b: a < b), False),
    "DateLessThanEquals": (_dated(lambda a, b: a <= b), False),
    "DateGreaterThan": (_dated(lambda a, b: a > b), False),
    "DateGreaterThanEquals": (_dated(lambda a, b: a >= b), False),
    "Bool": (_bool, False),
    "IpAddress": (_ip_address, False),
    "NotIpAddress": (_ip_address, True),
}
_QUALIFIERS = ("ForAllValues", "ForAnyValue")  # the condition set operators (single-vs-multi page)
_NO_VARIABLES = ("Numeric", "Date", "IpAddress", "NotIpAddress")  # operators page: "Policy variables - Not supported"


@dataclass(frozen=True)
class _Operator:
    text: str              # as written in the policy
    qualifier: str         # "", "ForAllValues" or "ForAnyValue"
    base: str              # e.g. StringEquals, Null
    if_exists: bool


def _parse_operator(text: str) -> _Operator | None:
    """`[ForAllValues:|ForAnyValue:]Base[IfExists]`, or None when IAM would not know it (MalformedPolicyDocument)."""
    qualifier, _, base = text.rpartition(":")
    if qualifier and qualifier not in _QUALIFIERS:
        return None
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base[: -len("IfExists")]
    if base == "Null":
        # Null tests presence itself; neither IfExists nor a set operator means anything on it.
        return None if (if_exists or qualifier) else _Operator(text, "", base, False)
    if base not in _OPERATORS:
        return None
    return _Operator(text, qualifier, base, if_exists)


def _values(value) -> list:
    """A condition value or statement element: a single value or a list of them."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _held(op: _Operator, key: str, policy_values: list, context: _Context, variables: bool) -> str | None:
    """None when the condition `op: {key: policy_values}` holds; otherwise why not (for Decision.reason)."""
    value = context.get(key)
    # Null: "true" wants the key absent, "false" wants it present (operators page, "Condition operator to check
    # existence of condition keys"). An empty multivalued value counts as absent: it carries no value.
    if op.base == "Null":
        absent = value is None or (isinstance(value, (list, tuple)) and not value)
        if any(_text(v).lower() == ("true" if absent else "false") for v in policy_values):
            return None
        return f"{op.text} {key}: context {'lacks' if absent else 'has'} the key, policy wants {_show(policy_values)}"
    compare, negated = _OPERATORS[op.base]
    context_for_vars = context if variables and not op.base.startswith(_NO_VARIABLES) else None

    def one(request_value) -> bool:
        """One request value against all policy values: OR, or NOR when negated (multiple-values page)."""
        hit = any(compare(_text(request_value), p, context_for_vars) for p in policy_values)
        return hit != negated

    if value is None:
        # Operators page, "Important": a key missing from the request makes the condition false, except that negated
        # operators then hold, ...IfExists holds, ForAllValues holds (nothing to disprove) and ForAnyValue does not
        # (single-vs-multi page, "ForAllValues"/"ForAnyValue").
        if op.if_exists or op.qualifier == "ForAllValues" or (negated and op.qualifier != "ForAnyValue"):
            return None
        return f"{op.text} {key}: context has no such key"
    if op.qualifier:
        # A single value under a set operator is a one-value set: the single-vs-multi page warns this "can lead to
        # overly permissive policies", i.e. IAM evaluates it rather than refusing.
        request_values = _values(value)
        test = all if op.qualifier == "ForAllValues" else any
        if test(one(v) for v in request_values):
            return None
        return f"{op.text} {key}: context has {_show(request_values)}, policy wants {_show(policy_values)}"
    if isinstance(value, (list, tuple)):
        # Single-vs-multi page: "Multivalued context keys require a condition set operator." Without one the
        # comparison is not defined by AWS; this layer treats it as not holding (see the module's report).
        return f"{op.text} {key}: context key is multivalued {_show(list(value))}, needs ForAllValues/ForAnyValue"
    if one(value):
        return None
    return f"{op.text} {key}: context has {_show([value])}, policy wants {_show(policy_values)}"


def _show(values: list) -> str:
    shown = [repr(_text(v)) for v in values]
    return shown[0] if len(shown) == 1 else "[" + ", ".join(shown) + "]"


def _condition_failure(condition: Mapping, context: _Context, variables: bool) -> str | None:
    """None when every operator block and every key in it holds (AND), else the first failure.

    reference_policies_condition-logic-multiple-context-keys-or-values.html: several operators are AND'ed, several
    keys under one operator are AND'ed. An unknown operator raises: validate() would have refused the document.
    """
    for text, block in condition.items():
        op = _parse_operator(text)
        if op is None:
            raise ValueError(f"unknown condition operator {text!r} (MalformedPolicyDocument; see {OPERATORS_PAGE})")
        for key, policy_values in block.items():
            failure = _held(op, key, _values(policy_values), context, variables)
            if failure is not None:
                return "condition " + failure
    return None


# ---------------------------------------------------------------------------------------------------------------
# Statements and the decision


def _sid(statement: Mapping, index: int) -> str:
    return statement.get("Sid") or f"#{index}"


def _matched_action(statement: Mapping, action: str) -> str | None:
    """The Action entry that matches, "NotAction" when NotAction excludes nothing of it, or None.

    NotAction matches every action except those listed:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
    """
    if "NotAction" in statement:
        hit = any(_action_matches(p, action) for p in _values(statement["NotAction"]))
        return None if hit else "NotAction"
    return next((p for p in _values(statement.get("Action", [])) if _action_matches(p, action)), None)


def _resource_matches(statement: Mapping, resource: str, context: _Context | None) -> bool:
    """Resource: any entry matches; NotResource: no entry matches
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html)."""
    if "NotResource" in statement:
        return not any(_arn_matches(p, resource, context) for p in _values(statement["NotResource"]))
    return any(_arn_matches(p, resource, context) for p in _values(statement.get("Resource", [])))


def _uses_variables(document: Mapping) -> bool:
    """Policy variables exist only in Version 2012-10-17; under 2008-10-17 (the default when Version is absent)
    `${...}` is literal text (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html)."""
    return document.get("Version") == "2012-10-17"


def _statements(document: Mapping) -> list:
    return _values(document.get("Statement", []))


def _apply(name: str, document: Mapping, action: str, resource: str, context: _Context,
           grants: list, denials: list, misses: list) -> None:
    """Sort each statement of one policy into grants/denials (it applies) or misses (an Allow that does not: why)."""
    variables = _uses_variables(document)
    for index, statement in enumerate(_statements(document)):
        sid = _sid(statement, index)
        matched = _matched_action(statement, action)
        if matched is None:
            why = "action not matched"
        elif not _resource_matches(statement, resource, context if variables else None):
            why = "resource not matched"
        else:
            why = _condition_failure(statement.get("Condition", {}), context, variables)
        if why is None:
            (grants if statement.get("Effect") == "Allow" else denials).append(Grant(name, sid, matched))
        elif statement.get("Effect") == "Allow":
            misses.append(f"statement {sid}: {why}")


def _decide(action: str, resource: str, grants: list, denials: list, misses: list) -> Decision:
    """Explicit Deny beats Allow beats the implicit deny (EVALUATION_LOGIC, "Explicit and implicit denies").

    A permissions boundary would be a second grants list here: allowed only when both grant.
    """
    if denials:
        first = denials[0]
        reason = f"explicitly denied {action} on {resource} by {first.policy} statement {first.sid}"
        return Decision(False, True, grants, denials, reason)
    if grants:
        first = grants[0]
        reason = f"{action} on {resource} allowed by {first.policy} statement {first.sid} ({first.action})"
        return Decision(True, False, grants, denials, reason)
    detail = "; ".join(misses) if misses else "no Allow statement"
    return Decision(False, False, grants, denials, f"no statement allows {action} on {resource}: {detail}")


def evaluate(policies: Mapping[str, dict], action: str, resource: str, context: Mapping[str, object]) -> Decision:
    """Whether the principal holding `policies` (name → identity-based policy document) may do `action` (e.g.
    `ec2:CreateTags`) on `resource` (an ARN, or `*` for an action without a resource), given the request `context`
    (keyed by lower-cased condition key names; see the module docstring).

    Raises ValueError on a condition operator IAM does not know: such a document cannot be attached in AWS, so
    meeting one here is the caller's bug.
    """
    wrapped = _Context(context)
    grants, denials, misses = [], [], []
    for name, document in policies.items():
        _apply(name, document, action, resource, wrapped, grants, denials, misses)
    return _decide(action, resource, grants, denials, misses)


# ---------------------------------------------------------------------------------------------------------------
# Grammar and size: what CreatePolicy would refuse with MalformedPolicyDocument / LimitExceeded
#
# Grammar: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html and the element pages of
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html

_VERSIONS = ("2012-10-17", "2008-10-17")  # reference_policies_elements_version.html; absent means 2008-10-17
_TOP_LEVEL = ("Version", "Id", "Statement")
_STATEMENT_ELEMENTS = ("Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                       "Resource", "NotResource", "Condition")
# "service:Action" (reference_policies_elements_action.html)
_ACTION = re.compile(r"^[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]+$")
_SID = re.compile(r"^[A-Za-z0-9]*$")  # reference_policies_elements_sid.html: ASCII letters and digits


def validate(document: dict) -> list:
    """The grammar problems IAM would refuse an identity-based policy for (MalformedPolicyDocument); [] if none."""
    if not isinstance(document, dict):
        return ["the policy document must be a JSON object"]
    problems = [f"unknown top-level element {key!r}" for key in document if key not in _TOP_LEVEL]
    if "Version" in document and document["Version"] not in _VERSIONS:
        problems.append(f"Version {document['Version']!r} is not one of {', '.join(_VERSIONS)}")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        return problems + ["Statement must be an object or a non-empty list of objects"]
    sids: set = set()
    for index, statement in enumerate(statements):
        if not isinstance(statement, dict):
            problems.append(f"statement #{index} is not an object")
            continue
        problems += [f"statement {_sid(statement, index)}: {p}" for p in _statement_problems(statement, sids)]
    return problems


def _statement_problems(statement: dict, sids: set) -> list:
    """One statement's problems; `sids` collects Sids to catch duplicates (Sid page: unique within a policy)."""
    problems = [f"unknown element {key!r}" for key in statement if key not in _STATEMENT_ELEMENTS]
    problems += _sid_problems(statement, sids)
    if statement.get("Effect") not in ("Allow", "Deny"):
        problems.append(f"Effect must be Allow or Deny, not {statement.get('Effect')!r}")
    if "Principal" in statement or "NotPrincipal" in statement:
        # reference_policies_elements_principal.html: identity-based policies cannot name a principal.
        problems.append("Policy document should not specify a principal")
    problems += _one_of(statement, "Action", "NotAction", _action_problems)
    problems += _one_of(statement, "Resource", "NotResource", _resource_problems)
    if "Condition" in statement:
        problems += _condition_problems(statement["Condition"])
    return problems


def _sid_problems(statement: dict, sids: set) -> list:
    if "Sid" not in statement:
        return []
    sid = statement["Sid"]
    if not isinstance(sid, str) or not _SID.match(sid):
        return [f"Sid {sid!r} must contain only ASCII letters and digits"]
    if sid and sid in sids:
        return [f"Sid {sid!r} is not unique in the policy"]
    sids.add(sid)
    return []


def _one_of(statement: dict, element: str, negated: str, check: Callable[[object], list]) -> list:
    """Exactly one of element/negated (grammar: `action_block`, `resource_block`; identity policies need both)."""
    present = [name for name in (element, negated) if name in statement]
    if len(present) != 1:
        return [f"needs exactly one of {element} and {negated}"]
    return [f"{present[0]}: {p}" for p in check(statement[present[0]])]


def _strings(value) -> list | None:
    """A string or a non-empty list of strings, as the grammar's `<value>` lists; None otherwise."""
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) for v in values):
        return None
    return values


def _action_problems(value) -> list:
    actions = _strings(value)
    if actions is None:
        return ["must be a string or a non-empty list of strings"]
    return [f"{a!r} must be '*' or service:Action" for a in actions if a != "*" and not _ACTION.match(a)]


def _resource_problems(value) -> list:
    resources = _strings(value)
    if resources is None:
        return ["must be a string or a non-empty list of strings"]
    # reference_policies_elements_resource.html: an ARN or "*".
    return [f"{r!r} must be in ARN format or '*'" for r in resources if r != "*" and not r.startswith("arn:")]


def _condition_problems(condition) -> list:
    """reference_policies_elements_condition.html: {operator: {key: value or [values]}}, known operators only."""
    if not isinstance(condition, dict):
        return ["Condition must be an object"]
    problems = []
    for text, block in condition.items():
        op = _parse_operator(text) if isinstance(text, str) else None
        if op is None:
            problems.append(f"Condition: unknown condition operator {text!r}")
        if not isinstance(block, dict) or not block:
            problems.append(f"Condition {text!r}: must be a non-empty object of key → value(s)")
            continue
        for key, value in block.items():
            values = value if isinstance(value, list) else [value]
            if not values or not all(isinstance(v, (str, bool, int, float)) for v in values):
                problems.append(f"Condition {text!r} {key!r}: values must be strings, numbers or booleans")
    return problems


def size(document: dict) -> int:
    """Characters IAM counts against the managed-policy quota (MANAGED_POLICY_QUOTA).

    IAM and AWS STS quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): "IAM does
    not count white space when calculating the size of a policy against these quotas". White space inside strings
    is content, so this counts the compact JSON serialization (no white space between tokens).
    """
    return len(json.dumps(document, separators=(",", ":"), ensure_ascii=False))
