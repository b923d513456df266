"""Every operation's input constraints, from the official API models, refused as AWS's front ends refuse them.

moto checks none of the constraints of the API models; AWS checks them before an operation runs. RequestShapes
decodes each request (wire.py) and checks it against its operation's input shape, for every operation and
member of EC2, ELBv2, Route 53, ECS, Cloud Map and VPC Lattice, straight from the models (botocore's service-2.json: the
same Smithy models aws-sdk-rust is generated from):

  structure  `required` members present                    (Common Errors: MissingParameter / ValidationError)
  any        no wire key that names no member              (EC2 Common Errors: UnknownParameter)
  string     `min`/`max` length (UTF-16 units, Java's String.length()), `enum`, `pattern` (whole value)
  integer, long, float, double   `min`/`max` value
  list, map  `min`/`max` number of items or entries; map keys and values as the key and value shapes say
  blob       `min`/`max` bytes
  boolean, timestamp, numbers, blobs  must decode (wire.py marks those that do not as Malformed)

Patterns must match the whole value, as Java's Matcher.matches() does: AWS refused the tag value
'SourceIP: …, UserAgent: aws-cli/…' for the pattern [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*, which matches the empty
prefix of any string, so only a whole-value match can refuse it (SWO-GS/auto-tag#90).

How each service answers (one answer class per front end, see ANSWERS at the end):
  EC2         MissingParameter "The request must contain the parameter GroupDescription" (getmoto/moto#112),
              UnknownParameter "The parameter Description is not recognized" (aws/aws-sdk-cpp#327),
              InvalidParameterValue for a bad value; HTTP 400, one error. EC2 API reference, "Error codes".
  ELBv2       ValidationError with the Coral message: "1 validation error detected: Value 'x' at 'name' failed
              to satisfy constraint: Member must have length less than or equal to 32" (the AWS Query front
              end's form, e.g. humanmade/cf-to-tf#5; ELBv2 Common Errors: ValidationError, 400).
  Route 53    URI and query-string members: InvalidInput with the Coral message ("Value '/hostedzone/Z…' at
              'resourceId' failed to satisfy constraint: Member must have length less than or equal to 32",
              hashicorp/terraform-provider-aws#37817). The body is checked against an XML schema:
              InvalidInput "Invalid XML ; cvc-…" in Xerces' words (cvc-maxLength-valid:
              terraform-provider-aws#7606; cvc-complex-type.2.4.a/b: aws/aws-sdk-js#71, chilts/nice-route53#8;
              cvc-elt.1 for a missing xmlns: boto/boto#384); a body whose root is another element:
              MalformedInput "ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest"
              (stalwartlabs/dns-update#44).
  Cloud Map   InvalidInput with the Coral message ("1 validation error detected: Value null at 'id' failed to
              satisfy constraint: Member must not be null … Error Code: InvalidInput", aws/aws-sdk-java#1973).
  ECS         InvalidParameterException, ECS's code for a parameter it refuses ("Services cannot be empty.",
              boltops-tools/aws-inventory#4; "Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was …",
              awslabs/amazon-ecs-nodejs-microservices#18), with the Coral message naming the member.
  ECS, Cloud Map  a JSON value of the wrong type: SerializationException, in the JSON front end's words
              ("NUMBER_VALUE can not be converted to a String", "Expected list or null", "Start of structure or
              map found where not expected.": measured against AWS, floci-io/floci#2686; ECS answers
              SerializationException too, traefik/traefik#3758).
  VPC Lattice ValidationException (HTTP 400: "The input does not satisfy the constraints specified by an AWS
              service.", each operation's Errors in its API reference) with the Coral message; a JSON value of
              the wrong type: SerializationException, as the other Coral JSON front ends answer.
Not verified against AWS (no public record found): the wording of VPC Lattice's ValidationException (its body also
has `reason` and `fieldList`, not sent here); the answer to an unknown member of ELBv2, ECS and Cloud Map
(given here with the service's validation code and "The parameter … is not recognized"), and the wording for
query-protocol values that do not decode ("Member must be a valid integer").
"""
import datetime
import functools
import re
import string
import sys
import threading
import unicodedata
import warnings
from dataclasses import dataclass

from . import core, wire

# ----------------------------------------------------------------------------------------------------------------
# Java patterns → Python re
#
# The models' patterns are Java regular expressions (Coral validates with java.util.regex). Python's re lacks
# \p{…} classes (translated to explicit ranges from unicodedata), reads `.` as "not \n" only (Java: no line
# terminator), and before 3.11 has no possessive quantifiers (dropped: the match set of a validation pattern is
# the same). \d \w \s \b are ASCII in Java: patterns compile with re.ASCII. A pattern that still can't be
# translated is skipped (its check only) and recorded in UNTRANSLATED.


class Untranslatable(ValueError):
    pass


UNTRANSLATED = {}          # Java pattern → why it could not be compiled (its check is skipped)
_untranslated_lock = threading.Lock()

JAVA_DOT = "[^\\n\\r\\x85\\u2028\\u2029]"
JAVA_HORIZONTAL_SPACE = " \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000"
JAVA_VERTICAL_SPACE = "\\n\\x0b\\f\\r\\x85\\u2028\\u2029"
POSIX_CLASSES = {   # java.util.regex.Pattern's POSIX classes (US-ASCII only)
    "ASCII": "\\x00-\\x7f", "Alpha": "a-zA-Z", "Digit": "0-9", "Alnum": "a-zA-Z0-9", "Upper": "A-Z",
    "Lower": "a-z", "Punct": "".join("\\" + c for c in string.punctuation), "Graph": "\\x21-\\x7e",
    "Print": "\\x20-\\x7e", "Blank": " \\t", "Cntrl": "\\x00-\\x1f\\x7f", "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0b\\f\\r",
}
GROUP_OPENERS = ("(", "|", "(?:", "(?=", "(?!", "(?<=", "(?<!")


@functools.cache
def _category_runs():
    """{two-letter Unicode general category: [(first, last) code point runs]}, read once (~0.2 s)."""
    runs = {}
    category = unicodedata.category
    current, start = None, 0
    for code in range(0x110000):
        this = category(chr(code))
        if this != current:
            if current is not None:
                runs.setdefault(current, []).append((start, code - 1))
            current, start = this, code
    runs.setdefault(current, []).append((start, 0x10FFFF))
    return runs


@functools.cache
def property_class(name):
    """The inside of a character class for Java's \\p{name}."""
    if name in POSIX_CLASSES:
        return POSIX_CLASSES[name]
    for prefix in ("general_category=", "gc=", "Is"):
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix):]
            break
    runs = _category_runs()
    if len(name) == 1:
        chosen = sorted(run for category, category_runs in runs.items() if category[0] == name
                        for run in category_runs)
    else:
        chosen = runs.get(name)
    if not chosen:
        raise Untranslatable(f"\\p{{{name}}} is not a Unicode general category or POSIX class")
    merged = [list(chosen[0])]
    for first, last in chosen[1:]:
        if first == merged[-1][1] + 1:
            merged[-1][1] = last
        else:
            merged.append([first, last])
    chosen = merged
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in chosen)


def _property_name(java, i):
    """(name, index after it) for the property of \\p at java[i:] (`{Name}` or one letter)."""
    if java[i:i + 1] == "{":
        end = java.find("}", i)
        if end < 0:
            raise Untranslatable("unclosed \\p{")
        return java[i + 1:end], end + 1
    if i < len(java):
        return java[i], i + 1
    raise Untranslatable("\\p without a name")


LOOKAROUND = re.compile(r"\(\?<?[=!]")


def _zero_width(prefix):
    """Whether the pattern text before a ^ can only have matched nothing: group openers, alternation bars and
    lookarounds (`((?=^.{1,127}$)^…` is fine; `…placement-group/^.{1,255}$` is not)."""
    while True:
        start = LOOKAROUND.search(prefix)
        if start is None:
            break
        depth, end = 0, len(prefix)
        for index in range(start.start(), len(prefix)):
            if prefix[index] == "\\":
                continue
            if prefix[index] == "(" and prefix[index - 1:index] != "\\":
                depth += 1
            elif prefix[index] == ")" and prefix[index - 1:index] != "\\":
                depth -= 1
                if depth == 0:
                    end = index + 1
                    break
        prefix = prefix[:start.start()] + prefix[end:]
    return prefix == "" or prefix.endswith(GROUP_OPENERS)


def translate_java_regex(java):
    """A Python re pattern (to compile with re.ASCII) matching what the Java pattern matches."""
    out = []
    i, n = 0, len(java)
    in_class = False
    while i < n:
        c = java[i]
        if c == "\\":
            if i + 1 >= n:
                raise Untranslatable("trailing backslash")
            e = java[i + 1]
            if e in "pP":
                name, i = _property_name(java, i + 2)
                inside = property_class(name)
                if in_class and e == "P":
                    raise Untranslatable("negated \\P{…} inside a class")
                out.append(inside if in_class else ("[^" if e == "P" else "[") + inside + "]")
                continue
            if e == "Q":
                end = java.find("\\E", i + 2)
                literal = java[i + 2:end if end >= 0 else n]
                out.append("".join("\\" + ch if not ch.isalnum() else ch for ch in literal))
                i = end + 2 if end >= 0 else n
                continue
            if e in "hv":
                inside = JAVA_HORIZONTAL_SPACE if e == "h" else JAVA_VERTICAL_SPACE
                out.append(inside if in_class else "[" + inside + "]")
                i += 2
                continue
            if e in "HV":
                if in_class:
                    raise Untranslatable(f"\\{e} inside a class")
                out.append("[^" + (JAVA_HORIZONTAL_SPACE if e == "H" else JAVA_VERTICAL_SPACE) + "]")
                i += 2
                continue
            if e == "z" and not in_class:
                out.append("\\Z")
                i += 2
                continue
            if e == "Z" and not in_class:
                out.append("(?=\\n?\\Z)")
                i += 2
                continue
            if e == "e":
                out.append("\\x1b")
                i += 2
                continue
            if e == "x" and java[i + 2:i + 3] == "{":
                end = java.find("}", i)
                out.append(f"\\U{int(java[i + 3:end], 16):08x}")
                i = end + 1
                continue
            if e == "0":                               # Java's octal \0n, \0nn, \0mnn
                digits = re.match(r"[0-3]?[0-7]{1,2}", java[i + 2:i + 5])
                if not digits:
                    raise Untranslatable("\\0 without octal digits")
                out.append(f"\\x{int(digits.group(), 8):02x}")
                i += 2 + len(digits.group())
                continue
            if e == "c" and i + 2 < n:                 # control character \cX
                out.append(f"\\x{ord(java[i + 2]) ^ 64:02x}")
                i += 3
                continue
            if e == "k" and java[i + 2:i + 3] == "<" and not in_class:
                end = java.find(">", i)
                out.append(f"(?P={java[i + 3:end]})")
                i = end + 1
                continue
            if e in "GRXKkc":
                raise Untranslatable(f"\\{e} has no Python equivalent")
            out.append(java[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "[":
                raise Untranslatable("a class inside a class (Java's union)")
            if c == "&" and java[i + 1:i + 2] == "&":
                raise Untranslatable("class intersection (&&)")
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append("[")
            i += 1
            if java[i:i + 1] == "^":
                out.append("^")
                i += 1
            if java[i:i + 1] == "]":
                out.append("\\]")
                i += 1
            continue
        if c == ".":
            out.append(JAVA_DOT)
        elif c == "^" and i > 0 and not _zero_width(java[:i]):
            # Without MULTILINE, ^ past the start never matches: no value could pass, so AWS cannot be
            # enforcing this pattern (ec2's PlacementGroupArn has one).
            raise Untranslatable("^ inside the pattern: nothing can match it")
        elif c == "$" and i < n - 1 and java[i + 1] not in ")|":
            raise Untranslatable("$ inside the pattern: nothing can match it")
        elif c == "(" and java[i + 1:i + 3] == "?<" and java[i + 3:i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(c)
        if c in "*+?}" and java[i + 1:i + 2] == "+" and sys.version_info < (3, 11):
            i += 1                                   # possessive quantifier: same match set, drop the +
        i += 1
    if in_class:
        raise Untranslatable("unclosed class")
    return "".join(out)


@functools.cache
def compiled_pattern(java):
    """The compiled Python equivalent of a model's Java pattern, or None when it can't be translated."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")           # FutureWarning "possible nested set" for a literal [
            return re.compile(translate_java_regex(java), re.ASCII)
    except (Untranslatable, re.error, ValueError, OverflowError) as error:
        with _untranslated_lock:
            UNTRANSLATED[java] = str(error)
        return None


# ----------------------------------------------------------------------------------------------------------------
# The walk: every constraint the input shape puts on the decoded params


@dataclass
class Violation:
    path: tuple                 # member names, 1-based list positions, wire.MapKey
    rule: str                   # required, malformed, min_length, max_length, pattern, enum, min_value, max_value
    value: object               # the offending value (None when required); a wire.Malformed when malformed
    shape: object               # the value's shape (for required: the missing member's shape)
    limit: object = None        # the bound, the Java pattern, or the enum values
    map_part: str | None = None   # "key" or "value" when the value is a map entry's key or value
    parent: tuple | None = None   # required: (structure shape, its decoded value)


def java_length(text):
    """Java's String.length(): UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class ConstraintWalk:
    def __init__(self):
        self.found = []

    def value(self, shape, value, path, map_part=None):
        if isinstance(value, wire.Malformed):
            self.found.append(Violation(path, "malformed", value, shape, map_part=map_part))
            return
        if value is None:
            return
        kind = shape.type_name
        if kind == "structure":
            self.structure(shape, value, path)
        elif kind == "list":
            self.size(shape, value, path, len(value), map_part)
            for position, item in enumerate(value, 1):
                self.value(shape.member, item, path + (position,))
        elif kind == "map":
            self.size(shape, value, path, len(value), map_part)
            for key, item in value.items():
                self.value(shape.key, key, path + (wire.MapKey(key),), "key")
                self.value(shape.value, item, path + (wire.MapKey(key),), "value")
        else:
            self.scalar(shape, value, path, map_part)

    def structure(self, shape, value, path):
        # service-2.json `required`: "Value null at 'x' failed to satisfy constraint: Member must not be null"
        if shape.metadata.get("document") or not isinstance(value, dict):
            return
        required = shape.metadata.get("required", ())
        for member, member_shape in shape.members.items():
            item = value.get(member)
            if item is None:
                if member in required:
                    self.found.append(Violation(path + (member,), "required", None, member_shape,
                                                parent=(shape, value)))
            else:
                self.value(member_shape, item, path + (member,))

    def size(self, shape, value, path, count, map_part=None):
        # service-2.json list/map `min`/`max`: "Member must have length less than or equal to N"
        metadata = shape.metadata
        if "min" in metadata and count < metadata["min"]:
            self.found.append(Violation(path, "min_length", value, shape, metadata["min"], map_part))
        if "max" in metadata and count > metadata["max"]:
            self.found.append(Violation(path, "max_length", value, shape, metadata["max"], map_part))

    def scalar(self, shape, value, path, map_part):
        kind = shape.type_name
        metadata = shape.metadata
        if kind == "string":
            # service-2.json string `min`/`max` (length), `pattern`, `enum`
            self.size(shape, value, path, java_length(value), map_part)
            pattern = metadata.get("pattern")
            if pattern is not None:
                compiled = compiled_pattern(pattern)
                if compiled is not None and compiled.fullmatch(value) is None:
                    self.found.append(Violation(path, "pattern", value, shape, pattern, map_part))
            enum = metadata.get("enum")
            if enum and value not in enum:
                self.found.append(Violation(path, "enum", value, shape, enum, map_part))
        elif kind in ("integer", "long", "float", "double"):
            # service-2.json number `min`/`max`: "Member must have value less than or equal to N"
            if "min" in metadata and value < metadata["min"]:
                self.found.append(Violation(path, "min_value", value, shape, metadata["min"], map_part))
            if "max" in metadata and value > metadata["max"]:
                self.found.append(Violation(path, "max_value", value, shape, metadata["max"], map_part))
        elif kind == "blob":
            self.size(shape, value, path, len(value), map_part)


def violations_of(parsed):
    """Every constraint of the operation's input shape that the decoded params break, in model order."""
    walk = ConstraintWalk()
    if parsed.operation.input_shape is not None:
        walk.value(parsed.operation.input_shape, parsed.params, ())
    return walk.found


# ----------------------------------------------------------------------------------------------------------------
# Rendering values and paths as the services print them


def java_text(value):
    """A value as Java's toString() prints it in Coral messages."""
    if isinstance(value, wire.Malformed):
        return java_text(value.raw)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (bytes, bytearray)):
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(java_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={java_text(item)}" for key, item in value.items()) + "}"
    return str(value)


def coral_path(path):
    """Coral's member path: first letters lowercased, list items as `.N.member` (tags.6.member.value)."""
    parts = []
    for step in path:
        if isinstance(step, str):
            parts.append(step[:1].lower() + step[1:])
        elif isinstance(step, int):
            parts.append(f"{step}.member")
        else:
            parts.append(step.key)
    return ".".join(parts)


def ec2_wire_path(operation, path):
    """EC2's parameter name for a path: IpPermissions.1.IpRanges.1.CidrIp."""
    shape = operation.input_shape
    parts = []
    for step in path:
        if isinstance(step, str):
            member_shape = shape.members[step]
            parts.append(wire.ec2_wire_name(member_shape, step))
            shape = member_shape
        elif isinstance(step, int):
            parts.append(str(step))
            shape = shape.member
        else:
            parts.append(step.key)
            shape = shape.value
    return ".".join(parts)


def _count(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


# ----------------------------------------------------------------------------------------------------------------
# EC2


class Ec2Answers:
    """EC2 answers the first problem only: UnknownParameter, MissingParameter or InvalidParameterValue.

    Source: EC2 API reference, "Error codes for the Amazon EC2 API" (errors-overview.html), common client errors:
    MissingParameter ("a required parameter for the specified action is not supplied"), UnknownParameter ("an
    unknown or unrecognized parameter was supplied"), InvalidParameterValue ("a value specified in a parameter is
    not valid, is unsupported, or cannot be used"), all HTTP 400. Messages as quoted in the module docstring.
    """

    def refusal(self, parsed, violations):
        if parsed.unknown:
            return core.Refusal("UnknownParameter", f"The parameter {parsed.unknown[0].wire_path} is not recognized")
        if not violations:
            return None
        first = violations[0]
        name = ec2_wire_path(parsed.operation, first.path)
        if first.rule == "required":
            return core.Refusal("MissingParameter", f"The request must contain the parameter {name}")
        return core.Refusal("InvalidParameterValue",
                            f"Value ({java_text(first.value)}) for parameter {name} is invalid. {self.reason(first)}")

    @staticmethod
    def reason(v):
        unit = {"string": "character", "blob": "byte"}.get(v.shape.type_name, "item")
        if v.rule == "malformed":
            return f"Expected a value of type {v.shape.type_name}."
        if v.rule == "enum":
            return f"It must be one of: {', '.join(v.limit)}."
        if v.rule == "pattern":
            return f"It must match the pattern {v.limit}."
        bound = "at least" if v.rule.startswith("min") else "at most"
        if v.rule.endswith("length"):
            return f"It must have {bound} {_count(v.limit, unit)}."
        return f"It must be {bound} {v.limit}."


# ----------------------------------------------------------------------------------------------------------------
# Coral: the validation of the AWS Query and JSON front ends (ELBv2, Cloud Map, ECS, Route 53's URI members)


CORAL_CLAUSES = {
    "min_length": "Member must have length greater than or equal to {limit}",
    "max_length": "Member must have length less than or equal to {limit}",
    "pattern": "Member must satisfy regular expression pattern: {limit}",
    "enum": "Member must satisfy enum value set: [{values}]",
    "min_value": "Member must have value greater than or equal to {limit}",
    "max_value": "Member must have value less than or equal to {limit}",
}


def coral_constraint(v):
    """The constraint clause of one Coral validation error."""
    kind = v.shape.type_name
    if v.rule == "required":
        return "Member must not be null"
    if v.rule == "malformed":
        return f"Member must be a valid {kind}"
    clause = CORAL_CLAUSES[v.rule].format(limit=v.limit, values=", ".join(v.limit) if v.rule == "enum" else "")
    if v.map_part == "key":
        return f"Map keys must satisfy constraint: [{clause}]"
    if v.map_part == "value":
        return f"Map value must satisfy constraint: [{clause}]"
    return clause


def coral_error(v):
    path = v.path[:-1] if v.map_part else v.path
    value = "null" if v.rule == "required" else f"'{java_text(v.value)}'"
    return f"Value {value} at '{coral_path(path)}' failed to satisfy constraint: {coral_constraint(v)}"


def coral_message(violations):
    n = len(violations)
    head = f"{n} validation error{'' if n == 1 else 's'} detected: "
    return head + "; ".join(coral_error(v) for v in violations)


JAVA_TYPES = {"string": "String", "integer": "Integer", "long": "Long", "boolean": "Boolean", "float": "Float",
              "double": "Double", "timestamp": "Date", "blob": "ByteBuffer"}


def serialization_message(malformed):
    """The Coral JSON front end's words for a value of the wrong JSON type (floci-io/floci#2686, measured)."""
    raw, expected = malformed.raw, malformed.expected
    if expected == "json":          # the body is no JSON at all (wording not verified)
        return "Unable to parse the request body as JSON"
    if isinstance(raw, dict):
        return "Start of structure or map found where not expected."
    if isinstance(raw, list):
        return "Start of list found where not expected"
    if expected == "list":
        return "Expected list or null"
    if expected in ("structure", "map"):
        return "Expected null"
    token = ("TRUE_VALUE" if raw else "FALSE_VALUE") if isinstance(raw, bool) else \
        "STRING_VALUE" if isinstance(raw, str) else "NUMBER_VALUE"
    java_type = JAVA_TYPES.get(expected, expected)
    article = "an" if java_type[:1] in "AEIOU" else "a"
    return f"{token} can not be converted to {article} {java_type}"


class CoralAnswers:
    """Every broken constraint in one message, under the service's validation code.

    Sources: "Common Errors" of the ELBv2 API reference (ValidationError: "The input fails to satisfy the
    constraints specified by an AWS service", 400); Cloud Map's InvalidInput ("One or more specified values aren't
    valid. For example, a required value might be missing, a numeric value might be outside the allowed range,
    or a string value might exceed length constraints.", servicediscovery service-2.json) with the Coral message
    (aws/aws-sdk-java#1973); ECS's
    InvalidParameterException ("The specified parameter isn't valid. Review the available parameters for the API
    request.", ecs service-2.json).
    """

    def __init__(self, code, json_type_code=None):
        self.code = code
        self.json_type_code = json_type_code      # JSON front ends: SerializationException

    def refusal(self, parsed, violations):
        if parsed.unknown:
            return core.Refusal(self.code, f"The parameter {parsed.unknown[0].wire_path} is not recognized")
        if not violations:
            return None
        malformed = [v for v in violations if v.rule == "malformed"]
        if malformed and self.json_type_code:
            return core.Refusal(self.json_type_code, serialization_message(malformed[0].value))
        return core.Refusal(self.code, coral_message(violations))


# ----------------------------------------------------------------------------------------------------------------
# Route 53: Coral for URI and query-string members, an XML schema (Xerces) for the body


XSD_TYPES = {"integer": "int", "long": "long", "boolean": "boolean", "timestamp": "dateTime", "float": "float",
             "double": "double", "blob": "base64Binary", "string": "string"}


class Route53Answers:
    """Route 53's InvalidInput ("The input is not valid", route53 service-2.json), MalformedInput for a body that
    is not the operation's document. URI and query-string members: the Coral message; the body: Xerces' message
    for the first schema error, after "Invalid XML ; " (sources in the module docstring)."""
    code = "InvalidInput"

    def refusal(self, parsed, violations):
        operation = parsed.operation
        document = parsed.document
        if document is not None:
            if document.kind == "wrong-root":
                return core.Refusal("MalformedInput", f"{document.found} is not valid, expected {document.expected}")
            if document.kind == "wrong-namespace":
                root = operation.input_shape.serialization.get("name", operation.input_shape.name)
                return core.Refusal(self.code, f"Invalid XML ; cvc-elt.1: Cannot find the declaration of element "
                                               f"'{root}'.")
            return core.Refusal(self.code, f"Invalid XML ; {document.found}")
        located = [v for v in violations if self.in_uri_or_query(operation, v.path)]
        query_keys = [u for u in parsed.unknown if u.wire_path.startswith("?")]
        if query_keys:
            return core.Refusal(self.code, f"The parameter {query_keys[0].name} is not recognized")
        if located:
            return core.Refusal(self.code, coral_message(located))
        elements = [u for u in parsed.unknown if not u.wire_path.startswith("?")]
        if elements:
            return core.Refusal(self.code, "Invalid XML ; " + XmlSchemaWords(operation).unknown(elements[0]))
        if violations:
            return core.Refusal(self.code, "Invalid XML ; " + XmlSchemaWords(operation).violation(violations[0]))
        return None

    @staticmethod
    def in_uri_or_query(operation, path):
        return bool(path) and operation.input_shape.members[path[0]].serialization.get("location") is not None


class XmlSchemaWords:
    """Xerces' messages for a Route 53 body that breaks the schema of the operation's request document."""

    def __init__(self, operation):
        self.operation = operation
        self.namespace = (operation.input_shape.serialization.get("xmlNamespace") or {}).get("uri", "")

    def element_at(self, path):
        """(element name, shape) of the element at path."""
        shape = self.operation.input_shape
        name = shape.serialization.get("name", shape.name)
        for step in path:
            if isinstance(step, str):
                member_shape = shape.members[step]
                name, shape = member_shape.serialization.get("name", step), member_shape
            elif isinstance(step, int):
                name, shape = shape.member.serialization.get("name", "member"), shape.member
            else:
                name, shape = "value", shape.value
        return name, shape

    def expected(self, names):
        return "'{" + ", ".join(f'"{self.namespace}":{name}' for name in names) + "}'"

    def member_elements(self, shape, path):
        top = not path
        return [(member, member_shape.serialization.get("name", member))
                for member, member_shape in shape.members.items()
                if not (top and member_shape.serialization.get("location"))]

    def unknown(self, unknown):
        parent_name, parent_shape = self.element_at(unknown.parent)
        if parent_shape.type_name == "list":
            item = parent_shape.member.serialization.get("name", "member")
            return (f"cvc-complex-type.2.4.a: Invalid content was found starting with element '{unknown.name}'. "
                    f"One of {self.expected([item])} is expected.")
        members = self.member_elements(parent_shape, unknown.parent)
        order = [member for member, _ in members]
        start = order.index(unknown.preceding) + 1 if unknown.preceding in order else 0
        required = parent_shape.metadata.get("required", ())
        possible = []
        for member, element in members[start:]:
            possible.append(element)
            if member in required:
                break
        if not possible:
            return (f"cvc-complex-type.2.4.d: Invalid content was found starting with element '{unknown.name}'. "
                    "No child element is expected at this point.")
        return (f"cvc-complex-type.2.4.a: Invalid content was found starting with element '{unknown.name}'. "
                f"One of {self.expected(possible)} is expected.")

    def violation(self, v):
        name, shape = self.element_at(v.path)
        type_name = shape.name
        value = java_text(v.value)
        if v.rule == "required":
            return self.missing(v)
        if v.rule == "malformed":
            xsd_type = XSD_TYPES.get(v.shape.type_name)
            return f"cvc-datatype-valid.1.2.1: '{value}' is not a valid value for '{xsd_type}'."
        if shape.type_name == "list":
            item = shape.member.serialization.get("name", "member")
            if v.rule == "min_length":
                return (f"cvc-complex-type.2.4.b: The content of element '{name}' is not complete. "
                        f"One of {self.expected([item])} is expected.")
            return (f"cvc-complex-type.2.4.d: Invalid content was found starting with element '{item}'. "
                    "No child element is expected at this point.")
        if v.rule in ("min_length", "max_length"):
            facet = "minLength" if v.rule == "min_length" else "maxLength"
            return (f"cvc-{facet}-valid: Value '{value}' with length = '{java_length(str(v.value))}' is not "
                    f"facet-valid with respect to {facet} '{v.limit}' for type '{type_name}'.")
        if v.rule == "pattern":
            return (f"cvc-pattern-valid: Value '{value}' is not facet-valid with respect to pattern '{v.limit}' "
                    f"for type '{type_name}'.")
        if v.rule == "enum":
            return (f"cvc-enumeration-valid: Value '{value}' is not facet-valid with respect to enumeration "
                    f"'[{', '.join(v.limit)}]'. It must be a value from the enumeration.")
        facet = "minInclusive" if v.rule == "min_value" else "maxInclusive"
        return (f"cvc-{facet}-valid: Value '{value}' is not facet-valid with respect to {facet} '{v.limit}' "
                f"for type '{type_name}'.")

    def missing(self, v):
        """A required element is absent: Xerces names the element it found instead, or the incomplete parent."""
        parent_path, member = v.path[:-1], v.path[-1]
        parent_name, _ = self.element_at(parent_path)
        shape, value = v.parent
        members = self.member_elements(shape, parent_path)
        order = [m for m, _ in members]
        elements = dict(members)
        at = order.index(member)
        present = [m for m in value if m in elements]
        before = [order.index(m) for m in present if order.index(m) < at]
        start = max(before) + 1 if before else 0
        expected = [elements[m] for m in order[start:at + 1]]
        after = [m for m in present if order.index(m) > at]
        if after:
            return (f"cvc-complex-type.2.4.a: Invalid content was found starting with element "
                    f"'{elements[after[0]]}'. One of {self.expected(expected)} is expected.")
        return (f"cvc-complex-type.2.4.b: The content of element '{parent_name}' is not complete. "
                f"One of {self.expected(expected)} is expected.")


# ----------------------------------------------------------------------------------------------------------------
# The rule

ANSWERS = {
    "ec2": Ec2Answers(),
    "elbv2": CoralAnswers("ValidationError"),
    "route53": Route53Answers(),
    "ecs": CoralAnswers("InvalidParameterException", json_type_code="SerializationException"),
    "servicediscovery": CoralAnswers("InvalidInput", json_type_code="SerializationException"),
    "vpc-lattice": CoralAnswers("ValidationException", json_type_code="SerializationException"),
}


def preload():
    """Load the six models and compile every pattern now (~1 s), so the first request pays nothing."""
    for model_name in ANSWERS:
        model = wire.service_model(model_name)
        for shape_name in model.shape_names:
            pattern = model.shape_for(shape_name).metadata.get("pattern")
            if pattern:
                compiled_pattern(pattern)


def refusal_for(request):
    """AWS's answer to a request that breaks its operation's input shape; None when it keeps to it."""
    parsed = wire.parse(request)
    if parsed is None:
        return None
    violations = violations_of(parsed)
    if not violations and not parsed.unknown and parsed.document is None:
        return None
    return ANSWERS[parsed.model_name].refusal(parsed, violations)


class RequestShapes(core.Rule):
    """Refuses what breaks an operation's input shape (required, unknown, length, pattern, enum, range, type)."""
    name = "request-shapes"
    source = ("botocore service-2.json (required/min/max/pattern/enum per shape); Common Errors of the EC2, "
              "ELBv2, Route 53, ECS, Cloud Map and VPC Lattice API references")
    applies_to = core.EVERY_REQUEST   # an operation of no model it knows is let through by refusal_for

    def check(self, request, upstream=None):
        return refusal_for(request)


def rules(config) -> list:
    """The rules of this module, for layer.default_rules (request shapes need no settings)."""
    return [RequestShapes()]
