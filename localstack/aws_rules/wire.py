"""Decode an AWS request from its wire format into the operation's input, keyed by the model's member names.

Where each input member travels, and under which name, is written in the official service models that botocore
ships (botocore/data/<service>/<version>/service-2.json, loaded once per service). Per protocol (the one of the
model's `metadata.protocols` the request speaks):

  ec2       form parameters; a member's wire name is its `queryName`, else its `locationName` capitalised, else
            the member name; lists are flattened (`Name.1`, `Name.2`), nested members are dotted (`A.1.B`).
  query     (ELBv2) form parameters; wire name `locationName` or the member name; lists `Name.member.N` unless
            `flattened`; maps `Name.entry.N.key` / `.value`; an empty list is sent as `Name=`.
  json      (ECS, Cloud Map) the JSON body; a member's key is its `locationName` or member name (these models
            carry no `jsonName`).
  rest-xml  (Route 53) members with `location: uri` fill the labels of `http.requestUri` (`{Id}`, `{Name+}`),
            `querystring` and `header` members come from there, every other member from the XML body, whose
            root is the input's `locationName` in the input's `xmlNamespace`; list items are elements named by
            the list member's `locationName` (<Changes><Change>…).
  rest-json (VPC Lattice) URI labels, query-string and header members as for rest-xml; every other member is a key
            of the JSON body, as for json.

`parse(request)` answers a `ParsedInput`: the params (scalars decoded to their model types: int, float, bool,
datetime, bytes), the wire keys that name no member (`Unknown`), and, standing in the params where a value
should be, `Malformed` for wire values that do not decode to their member's type. It answers None for services,
API versions and operations the models do not describe, so the caller lets such requests through.
"""
import base64
import binascii
import datetime
import functools
import itertools
import json
import re
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass

# The SigV4 service (credential scope) → botocore's model name. Classic ELB shares `elasticloadbalancing` with
# ELBv2; its requests carry another API Version and are left alone.
MODEL_NAMES = {"ec2": "ec2", "elasticloadbalancing": "elbv2", "elbv2": "elbv2", "route53": "route53",
               "ecs": "ecs", "servicediscovery": "servicediscovery", "vpc-lattice": "vpc-lattice"}
# The model's protocol → the names localstack/proxy.py's classify() gives that protocol.
REQUEST_PROTOCOLS = {"ec2": ("ec2",), "query": ("query",), "json": ("json",), "rest-xml": ("route53", "rest-xml"),
                     "rest-json": ("rest-json",)}
# Form keys of the protocol itself, not of any operation's input. SigV4 query-string authentication adds X-Amz-*.
FORM_PROTOCOL_KEYS = {"Action", "Version"}


@dataclass(frozen=True)
class MapKey:
    """A map entry's key, as a step of a path (member names are str, list positions are 1-based int)."""
    key: str


@dataclass
class Malformed:
    """A wire value that does not decode to its member's type. It stands in the params where the value would."""
    raw: object          # as on the wire: text for form, XML, URI and headers; any JSON value for json
    expected: str        # the member's type: string, integer, boolean, timestamp, blob, list, structure, …
    wire_path: str


@dataclass
class Unknown:
    """A wire key (form key, JSON key, XML element, query-string key) that names no member."""
    parent: tuple        # path of the structure (or list) it appeared in
    name: str            # the key or element name as sent
    wire_path: str       # the whole wire key: IpPermissions.1.Foo, loadBalancers[0].foo, /ChangeBatch/Foo, ?foo
    preceding: str | None = None   # rest-xml: member of the last known sibling element before it


@dataclass
class DocumentProblem:
    """rest-xml: the body is not the operation's XML document."""
    kind: str            # not-xml | wrong-root | wrong-namespace
    found: str
    expected: str


@dataclass
class ParsedInput:
    model_name: str      # botocore's name: ec2, elbv2, route53, ecs, servicediscovery, vpc-lattice
    operation: object    # botocore.model.OperationModel
    params: dict
    unknown: list
    document: DocumentProblem | None = None


# ----------------------------------------------------------------------------------------------------------------
# Models


_models = {}
_models_lock = threading.Lock()


def service_model(model_name):
    """botocore's ServiceModel for `model_name`, loaded once (the EC2 model takes ~0.2 s to read)."""
    with _models_lock:
        if model_name not in _models:
            import botocore.loaders
            import botocore.model
            raw = botocore.loaders.Loader().load_service_model(model_name, "service-2")
            _models[model_name] = botocore.model.ServiceModel(raw, service_name=model_name)
        return _models[model_name]


def ec2_wire_name(member_shape, member_name):
    """EC2's wire name for a member (botocore.serialize.EC2Serializer._get_serialized_name)."""
    serialization = member_shape.serialization
    if "queryName" in serialization:
        return serialization["queryName"]
    if "name" in serialization:
        return serialization["name"][0].upper() + serialization["name"][1:]
    return member_name


def _query_wire_name(member_shape, member_name):
    name = member_shape.serialization.get("name", member_name)
    if member_shape.type_name == "list" and member_shape.serialization.get("flattened"):
        # a flattened list named by its member's locationName replaces the member's own name
        name = member_shape.member.serialization.get("name", name)
    return name


def _plain_wire_name(member_shape, member_name):
    return member_shape.serialization.get("name", member_name)


WIRE_NAMERS = {"ec2": ec2_wire_name, "query": _query_wire_name, "json": _plain_wire_name,
               "rest-xml": _plain_wire_name}

_wire_names = {}


def member_by_wire_name(model_name, protocol, shape, body_only=False):
    """{wire name: member name} of a structure shape (cached per model, protocol and shape)."""
    key = (model_name, protocol, shape.name, body_only)
    names = _wire_names.get(key)
    if names is None:
        namer = WIRE_NAMERS[protocol]
        names = {}
        for member_name, member_shape in shape.members.items():
            if body_only and member_shape.serialization.get("location"):
                continue
            names.setdefault(namer(member_shape, member_name), member_name)
        _wire_names[key] = names
    return names


# ----------------------------------------------------------------------------------------------------------------
# Entry point


def parse(request):
    """The request's input per its operation's model, or None when no model describes the request."""
    model_name = MODEL_NAMES.get(request.service)
    if model_name is None:
        return None
    model = service_model(model_name)
    protocol = request_protocol(model, request)
    if protocol is None:
        return None
    if protocol in ("ec2", "query"):
        return _parse_form(request, model_name, model, protocol)
    if protocol == "json":
        return _parse_json(request, model_name, model)
    if protocol == "rest-json":
        return _parse_rest_json(request, model_name, model)
    return _parse_rest_xml(request, model_name, model)


def request_protocol(model, request):
    """The model protocol the request speaks, among those the service accepts (`metadata.protocols`: botocore
    1.44 lists Cloud Map as smithy-rpc-v2-cbor first, then json; aws-sdk-servicediscovery 1.120 sends json)."""
    for protocol in model.metadata.get("protocols") or [model.metadata["protocol"]]:
        if request.protocol in REQUEST_PROTOCOLS.get(protocol, ()):
            return protocol
    return None


def _operation(model, name):
    if name not in model.operation_names:
        return None
    return model.operation_model(name)


# ----------------------------------------------------------------------------------------------------------------
# Scalars sent as text (form, XML, URI, query string, headers)

INTEGER_TEXT = re.compile(r"\s*[+-]?\d+\s*")
FLOAT_WORDS = {"NaN", "Infinity", "-Infinity"}


def scalar_from_text(shape, text, wire_path):
    """Decode the text of a scalar to its model type, or a Malformed."""
    kind = shape.type_name
    if kind == "string":
        return text
    if kind in ("integer", "long"):
        return int(text) if INTEGER_TEXT.fullmatch(text) else Malformed(text, kind, wire_path)
    if kind in ("float", "double"):
        try:
            return float(text) if text.strip() else Malformed(text, kind, wire_path)
        except ValueError:
            return Malformed(text, kind, wire_path)
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        return Malformed(text, kind, wire_path)
    if kind == "timestamp":
        moment = parse_timestamp(text)
        return moment if moment is not None else Malformed(text, kind, wire_path)
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return Malformed(text, kind, wire_path)
    return Malformed(text, kind, wire_path)


def parse_timestamp(value):
    """An aware datetime from epoch seconds, ISO 8601 or RFC 822 text, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return datetime.datetime.fromtimestamp(value, datetime.UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.datetime.fromtimestamp(float(text), datetime.UTC)
    except (OverflowError, OSError, ValueError):
        pass
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)
    except ValueError:
        pass
    import email.utils
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


# ----------------------------------------------------------------------------------------------------------------
# ec2 and query: form parameters


class FormNode:
    """One dotted segment of the form keys: `IpPermissions.1.FromPort` is root → IpPermissions → 1 → FromPort."""
    __slots__ = ("value", "children")

    def __init__(self):
        self.value = None
        self.children = {}


def form_pairs(request):
    """Every form parameter of the request, URL query string first, then the body (later keys win)."""
    pairs = []
    query = urllib.parse.urlsplit(request.path).query
    if query:
        pairs += urllib.parse.parse_qsl(query, keep_blank_values=True)
    if request.body:
        pairs += urllib.parse.parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return pairs


def form_tree(pairs):
    root = FormNode()
    for key, value in pairs:
        node = root
        for part in key.split("."):
            node = node.children.setdefault(part, FormNode())
        node.value = value
    return root


def _parse_form(request, model_name, model, protocol):
    pairs = form_pairs(request)
    fields = dict(pairs)
    if fields.get("Version") != model.metadata["apiVersion"]:
        return None
    operation = _operation(model, fields.get("Action") or request.operation)
    if operation is None:
        return None
    root = form_tree((key, value) for key, value in pairs
                     if key not in FORM_PROTOCOL_KEYS and not key.startswith("X-Amz-"))
    decoder = FormDecoder(model_name, protocol)
    params = decoder.structure(operation.input_shape, root, (), "") if operation.input_shape else {}
    if operation.input_shape is None:
        decoder.unknown += [Unknown((), key, key) for key in root.children]
    return ParsedInput(model_name, operation, params, decoder.unknown)


def _positions(node):
    """The children of a list or map node whose keys are positions 1, 2, …, in order; and the other keys."""
    numbered, others = [], []
    for key, child in node.children.items():
        (numbered if key.isdigit() and int(key) > 0 else others).append((key, child))
    numbered.sort(key=lambda item: int(item[0]))
    return numbered, others


class FormDecoder:
    def __init__(self, model_name, protocol):
        self.model_name = model_name
        self.protocol = protocol
        self.unknown = []

    def value(self, shape, node, path, wire):
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, node, path, wire)
        if kind == "list":
            return self.list(shape, node, path, wire)
        if kind == "map":
            return self.map(shape, node, path, wire)
        if node.children:
            for key in node.children:
                self.unknown.append(Unknown(path, key, f"{wire}.{key}"))
        return scalar_from_text(shape, node.value or "", wire)

    def structure(self, shape, node, path, wire):
        if not node.children and node.value:
            return Malformed(node.value, "structure", wire)
        names = member_by_wire_name(self.model_name, self.protocol, shape)
        params = {}
        for key, child in node.children.items():
            member = names.get(key)
            child_wire = f"{wire}.{key}" if wire else key
            if member is None:
                self.unknown.append(Unknown(path, key, child_wire))
                continue
            member_shape = shape.members[member]
            if member_shape.type_name == "list" and member_shape.serialization.get("flattened"):
                params[member] = self.items(member_shape, child, path + (member,), child_wire)
            else:
                params[member] = self.value(member_shape, child, path + (member,), child_wire)
        return params

    def list(self, shape, node, path, wire):
        if self.protocol == "ec2" or shape.serialization.get("flattened"):
            return self.items(shape, node, path, wire)
        if not node.children:
            if node.value:
                return Malformed(node.value, "list", wire)
            return []                       # the query protocol sends an empty list as `Name=`
        item_name = shape.member.serialization.get("name", "member")
        items = []
        for key, child in node.children.items():
            if key == item_name:
                items = self.items(shape, child, path, f"{wire}.{key}")
            else:
                self.unknown.append(Unknown(path, key, f"{wire}.{key}"))
        return items

    def items(self, shape, node, path, wire):
        if not node.children and node.value:          # `GroupId=sg-1` where EC2 takes `GroupId.1=sg-1`
            return Malformed(node.value, "list", wire)
        numbered, others = _positions(node)
        for key, _ in others:
            self.unknown.append(Unknown(path, key, f"{wire}.{key}"))
        return [self.value(shape.member, child, path + (position,), f"{wire}.{key}")
                for position, (key, child) in enumerate(numbered, 1)]

    def map(self, shape, node, path, wire):
        entries = node
        entries_wire = wire
        if not shape.serialization.get("flattened"):
            entries = node.children.get("entry", FormNode())
            entries_wire = f"{wire}.entry"
            for key in node.children:
                if key != "entry":
                    self.unknown.append(Unknown(path, key, f"{wire}.{key}"))
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        numbered, others = _positions(entries)
        for key, _ in others:
            self.unknown.append(Unknown(path, key, f"{entries_wire}.{key}"))
        params = {}
        for key, entry in numbered:
            entry_wire = f"{entries_wire}.{key}"
            for part in entry.children:
                if part not in (key_name, value_name):
                    self.unknown.append(Unknown(path, part, f"{entry_wire}.{part}"))
            map_key = (entry.children.get(key_name) or FormNode()).value or ""
            value_node = entry.children.get(value_name) or FormNode()
            params[map_key] = self.value(shape.value, value_node, path + (MapKey(map_key),),
                                         f"{entry_wire}.{value_name}")
        return params


# ----------------------------------------------------------------------------------------------------------------
# json: the body document


def _parse_json(request, model_name, model):
    target = request.headers.get("X-Amz-Target") or ""
    prefix, _, name = target.partition(".")
    if prefix != model.metadata.get("targetPrefix"):
        return None
    operation = _operation(model, name or request.operation)
    if operation is None:
        return None
    decoder = JsonDecoder(model_name)
    try:
        document = json.loads(request.body) if request.body.strip() else {}
    except ValueError:
        text = request.body[:200].decode("utf-8", "replace")
        return ParsedInput(model_name, operation, Malformed(text, "json", ""), [])
    if operation.input_shape is None:
        unknown = [Unknown((), key, key) for key in document] if isinstance(document, dict) else []
        return ParsedInput(model_name, operation, {}, unknown)
    params = decoder.value(operation.input_shape, document, (), "")
    return ParsedInput(model_name, operation, {} if params is None else params, decoder.unknown)


class JsonDecoder:
    def __init__(self, model_name):
        self.model_name = model_name
        self.unknown = []

    def value(self, shape, value, path, wire):
        """The decoded value; None for JSON null (a member sent as null counts as absent)."""
        if value is None:
            return None
        kind = shape.type_name
        if kind == "structure":
            if shape.metadata.get("document"):
                return value
            if not isinstance(value, dict):
                return Malformed(value, kind, wire)
            names = member_by_wire_name(self.model_name, "json", shape)
            params = {}
            for key, item in value.items():
                member = names.get(key)
                child_wire = f"{wire}.{key}" if wire else key
                if member is None:
                    self.unknown.append(Unknown(path, key, child_wire))
                    continue
                decoded = self.value(shape.members[member], item, path + (member,), child_wire)
                if decoded is not None:
                    params[member] = decoded
            return params
        if kind == "list":
            if not isinstance(value, list):
                return Malformed(value, kind, wire)
            return [self.value(shape.member, item, path + (position,), f"{wire}[{position - 1}]")
                    for position, item in enumerate(value, 1)]
        if kind == "map":
            if not isinstance(value, dict):
                return Malformed(value, kind, wire)
            return {key: self.value(shape.value, item, path + (MapKey(key),), f"{wire}.{key}")
                    for key, item in value.items()}
        return json_scalar(shape, value, wire)


def json_scalar(shape, value, wire):
    kind = shape.type_name
    if kind == "string":
        return value if isinstance(value, str) else Malformed(value, kind, wire)
    if kind in ("integer", "long"):
        return value if isinstance(value, int) and not isinstance(value, bool) else Malformed(value, kind, wire)
    if kind in ("float", "double"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if value in FLOAT_WORDS:
            return float(value.replace("Infinity", "inf"))
        return Malformed(value, kind, wire)
    if kind == "boolean":
        return value if isinstance(value, bool) else Malformed(value, kind, wire)
    if kind == "timestamp":
        moment = parse_timestamp(value) if isinstance(value, (int, float)) else None
        return moment if moment is not None else Malformed(value, kind, wire)
    if kind == "blob":
        if isinstance(value, str):
            decoded = scalar_from_text(shape, value, wire)
            return decoded
        return Malformed(value, kind, wire)
    return Malformed(value, kind, wire)


# ----------------------------------------------------------------------------------------------------------------
# rest-xml: URI, query string, headers and the XML body

_uri_patterns = {}


def uri_pattern(operation):
    """(compiled regex of http.requestUri, {group: label}) — `{Id}` takes one path segment, `{Key+}` the rest."""
    key = (operation.service_model.service_name, operation.name)
    cached = _uri_patterns.get(key)
    if cached is None:
        template = operation.http["requestUri"].split("?", 1)[0]
        labels = {}
        regex = ""
        for index, part in enumerate(re.split(r"(\{[^}]+\})", template.rstrip("/") or "/")):
            if part.startswith("{") and part.endswith("}"):
                label = part[1:-1]
                group = f"label{index}"
                greedy = label.endswith("+")
                labels[group] = label.rstrip("+")
                regex += f"(?P<{group}>.+)" if greedy else f"(?P<{group}>[^/]+)"
            else:
                regex += re.escape(part)
        cached = (re.compile(regex + "/?"), labels)
        _uri_patterns[key] = cached
    return cached


@functools.cache
def _operations_by_specificity(model):
    """The model's operations, those whose URI has fewest labels first (literal paths win over `{Id}`)."""
    return tuple(sorted((model.operation_model(name) for name in model.operation_names),
                        key=lambda op: op.http["requestUri"].count("{")))


def _rest_operation(model, request, raw_path):
    """(operation, URI labels) for the request: the classified operation when its template fits, else the one
    operation of the model whose method and template fit."""
    named = _operation(model, request.operation)
    for operation in itertools.chain([named] if named else [], _operations_by_specificity(model)):
        if operation.http.get("method", "POST") != request.method:
            continue
        pattern, labels = uri_pattern(operation)
        match = pattern.fullmatch(raw_path)
        if match:
            return operation, {labels[group]: urllib.parse.unquote(value) for group, value in
                               match.groupdict().items()}
    return None, None


def _located_members(request, shape, labels, query, unknown):
    """The members of a REST protocol's input that travel in the URI, the query string and the headers."""
    params = {}
    claimed = set()
    headers = {key.lower(): value for key, value in request.headers.items()}
    for member, member_shape in shape.members.items():
        location = member_shape.serialization.get("location")
        wire_name = member_shape.serialization.get("name", member)
        if location == "uri":
            if wire_name in labels:
                params[member] = scalar_from_text(member_shape, labels[wire_name], "{" + wire_name + "}")
        elif location == "querystring":
            value = _querystring_member(member_shape, wire_name, query, claimed, member)
            if value is not None:
                params[member] = value
        elif location == "header":
            if wire_name.lower() in headers:
                params[member] = _header_member(member_shape, headers[wire_name.lower()], wire_name)
        elif location == "headers":
            prefix = wire_name.lower()
            found = {key[len(prefix):]: value for key, value in headers.items() if key.startswith(prefix)}
            if found:
                params[member] = found
    for key, _ in query:
        if key not in claimed and not key.startswith("X-Amz-"):
            unknown.append(Unknown((), key, "?" + key))
    return params


def _rest_request(request, model):
    """(operation, URI labels, query pairs) of a REST protocol's request, or (None, None, None)."""
    split = urllib.parse.urlsplit(request.path)
    operation, labels = _rest_operation(model, request, split.path)
    return operation, labels, urllib.parse.parse_qsl(split.query, keep_blank_values=True)


def rest_operation_name(model_name, method, path):
    """The operation a REST protocol's request (method, path) is, by the model's URI templates; None if none."""
    model = service_model(model_name)
    probe = type("Probe", (), {"operation": "", "method": method, "path": path})()
    operation, _, _ = _rest_request(probe, model)
    return operation.name if operation is not None else None


def _parse_rest_xml(request, model_name, model):
    operation, labels, query = _rest_request(request, model)
    if operation is None:
        return None
    shape = operation.input_shape
    if shape is None:
        return ParsedInput(model_name, operation, {}, [])
    decoder = XmlDecoder(model_name)
    unknown = decoder.unknown
    params = _located_members(request, shape, labels, query, unknown)
    document = None
    body_members = member_by_wire_name(model_name, "rest-xml", shape, body_only=True)
    if body_members and request.body.strip():
        document, root = _xml_document(request.body, shape)
        if root is not None:
            params.update(decoder.structure(shape, root, (), "/" + _local(root.tag), body_only=True))
    return ParsedInput(model_name, operation, params, unknown, document)


def _parse_rest_json(request, model_name, model):
    operation, labels, query = _rest_request(request, model)
    if operation is None:
        return None
    shape = operation.input_shape
    if shape is None:
        return ParsedInput(model_name, operation, {}, [])
    decoder = JsonDecoder(model_name)
    params = _located_members(request, shape, labels, query, decoder.unknown)
    body_members = member_by_wire_name(model_name, "json", shape, body_only=True)
    if not request.body.strip():
        return ParsedInput(model_name, operation, params, decoder.unknown)
    try:
        document = json.loads(request.body)
    except ValueError:
        text = request.body[:200].decode("utf-8", "replace")
        return ParsedInput(model_name, operation, Malformed(text, "json", ""), [])
    if not isinstance(document, dict):
        return ParsedInput(model_name, operation, Malformed(document, "structure", ""), [])
    for key, item in document.items():
        member = body_members.get(key)
        if member is None:
            decoder.unknown.append(Unknown((), key, key))
            continue
        decoded = decoder.value(shape.members[member], item, (member,), key)
        if decoded is not None:
            params[member] = decoded
    return ParsedInput(model_name, operation, params, decoder.unknown)


def _querystring_member(shape, wire_name, query, claimed, member):
    if shape.type_name == "map":                   # a map takes every key no other member names
        return None
    values = [value for key, value in query if key == wire_name]
    if not values:
        return None
    claimed.add(wire_name)
    if shape.type_name == "list":
        return [scalar_from_text(shape.member, value, f"?{wire_name}") for value in values]
    return scalar_from_text(shape, values[0], f"?{wire_name}")


def _header_member(shape, text, wire_name):
    if shape.type_name == "list":
        return [scalar_from_text(shape.member, part.strip(), wire_name) for part in text.split(",")]
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        try:
            return json.loads(base64.b64decode(text))
        except (ValueError, binascii.Error):
            return Malformed(text, "string", wire_name)
    return scalar_from_text(shape, text, wire_name)


def _local(tag):
    return tag.split("}", 1)[-1]


def _namespace(tag):
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _xml_document(body, shape):
    """(DocumentProblem or None, root element or None)."""
    expected_root = shape.serialization.get("name", shape.name)
    expected_namespace = (shape.serialization.get("xmlNamespace") or {}).get("uri", "")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        return DocumentProblem("not-xml", str(error), expected_root), None
    if _local(root.tag) != expected_root:
        return DocumentProblem("wrong-root", _local(root.tag), expected_root), None
    if _namespace(root.tag) != expected_namespace:
        return DocumentProblem("wrong-namespace", _namespace(root.tag), expected_namespace), None
    return None, root


class XmlDecoder:
    def __init__(self, model_name):
        self.model_name = model_name
        self.unknown = []

    def value(self, shape, element, path, wire):
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, element, path, wire)
        if kind == "list":
            return self.items(shape, list(element), path, wire)
        if kind == "map":
            return self.map(shape, element, path, wire)
        for child in element:
            self.unknown.append(Unknown(path, _local(child.tag), f"{wire}/{_local(child.tag)}"))
        return scalar_from_text(shape, element.text or "", wire)

    def structure(self, shape, element, path, wire, body_only=False):
        names = member_by_wire_name(self.model_name, "rest-xml", shape, body_only)
        params = {}
        preceding = None
        for child in element:
            name = _local(child.tag)
            member = names.get(name)
            child_wire = f"{wire}/{name}"
            member_shape = shape.members[member] if member else None
            flattened = member_shape is not None and member_shape.type_name == "list" and \
                member_shape.serialization.get("flattened")
            if member is None or (member in params and not flattened):
                self.unknown.append(Unknown(path, name, child_wire, preceding))
                continue
            if flattened:
                items = params.setdefault(member, [])
                items += self.items(member_shape, [child], path + (member,), child_wire, first=len(items) + 1)
            else:
                params[member] = self.value(member_shape, child, path + (member,), child_wire)
            preceding = member
        return params

    def items(self, shape, elements, path, wire, first=1):
        item_name = shape.member.serialization.get("name", "member")
        if shape.serialization.get("flattened"):
            item_name = None                  # the elements themselves are the items
        items = []
        preceding = None
        for element in elements:
            name = _local(element.tag)
            if item_name is not None and name != item_name:
                self.unknown.append(Unknown(path, name, f"{wire}/{name}", preceding))
                continue
            position = first + len(items)
            items.append(self.value(shape.member, element, path + (position,), f"{wire}/{name}[{position}]"))
        return items

    def map(self, shape, element, path, wire):
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        entries = [element] if shape.serialization.get("flattened") else list(element)
        params = {}
        for entry in entries:
            key_element = next((child for child in entry if _local(child.tag) == key_name), None)
            value_element = next((child for child in entry if _local(child.tag) == value_name), None)
            key = (key_element.text or "") if key_element is not None else ""
            if value_element is not None:
                params[key] = self.value(shape.value, value_element, path + (MapKey(key),), f"{wire}/{key}")
        return params
