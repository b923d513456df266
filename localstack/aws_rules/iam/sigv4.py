"""SigV4 authentication of every request, as the AWS service itself would check it, before the layer forwards it.

Why here and not in moto: moto 5.2.5's own check (INITIAL_NO_AUTH_ACTION_COUNT) rejects valid requests. It
re-encodes query-protocol bodies (EC2, ELBv2) with Python's `quote_plus` before recomputing the signature, so a
body aws-sdk-rust signed with `%20` for a space (or with lower-case hex) fails, and for a bodyless request (Route 53
GET/DELETE) it hashes the query string as the payload. AWS never re-encodes a body: the payload hash is the SHA-256
of the bytes on the wire. So the proxy verifies the signature here, on the raw request, and the emulator runs
without authentication.

What is checked, in this order, each refusal in the code, message and HTTP status the service itself answers:
  1. an Authorization header at all (MissingAuthenticationToken family);
  2. its form: AWS4-HMAC-SHA256, Credential, SignedHeaders (with host), Signature, a request date (IncompleteSignature);
  3. the credential scope: its date equal to X-Amz-Date's, its service the service addressed;
  4. the access key known (EC2 AuthFailure, ELBv2/Route 53 InvalidClientTokenId, JSON UnrecognizedClientException);
  5. the request time within AWS's allowed skew (EC2 RequestExpired; others "Signature expired" / "not yet current");
  6. the signature over the canonical request (SignatureDoesNotMatch / EC2 AuthFailure / JSON
     InvalidSignatureException).

The canonical request follows the SigV4 specification and the two signers ecsnet's requests come from:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
  botocore.auth.SigV4Auth.canonical_request, and aws-sdk-rust's aws-sigv4 (http_request/canonical_request.rs,
  uri_path_normalization.rs: UriPathNormalizationMode::Enabled and PercentEncodingMode::Double, the defaults for
  every service but S3).
"""
import datetime
import hashlib
import hmac
import re
import urllib.parse
from collections.abc import Callable, Iterable
from email.utils import parsedate_to_datetime
from typing import NamedTuple

from ..core import Refusal

ALGORITHM = "AWS4-HMAC-SHA256"
AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
HEX64 = re.compile(r"[0-9a-fA-F]{64}")
CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/")

# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html ("Protect against potential replay
# attacks: In most cases, a request must reach AWS within five minutes of the time stamp in the request").
DEFAULT_SKEW = datetime.timedelta(minutes=5)
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (RequestExpired: "The request reached
# the service more than 15 minutes after the date stamp on the request ... or the date stamp on the request is more
# than 15 minutes in the future").
EC2_SKEW = datetime.timedelta(minutes=15)

MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your AWS Secret "
            "Access Key and signing method. Consult the service documentation for details.")
EC2_AUTH_FAILURE = "AWS was not able to validate the provided access credentials"
INVALID_TOKEN = "The security token included in the request is invalid."


class Authorization(NamedTuple):
    """The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header."""
    access_key: str
    date: str            # YYYYMMDD of the credential scope
    region: str
    service: str
    scope: str           # date/region/service/aws4_request
    signed_headers: list
    signature: str


# ----------------------------------------------------------------------------------------------------------------
# Refusals, per protocol


# The JSON front ends name their authentication errors alike; the rest-json ones (VPC Lattice) answer them with 403,
# as other rest-json services do (Lambda's UnrecognizedClientException and InvalidSignatureException are 403:
# https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html); not verified against VPC Lattice itself.
JSON_FRONT_ENDS = ("json", "rest-json")


def json_status(protocol: str) -> int:
    return 403 if protocol == "rest-json" else 400


def _missing_token(protocol: str) -> Refusal:
    """No Authorization header. Query/XML services: MissingAuthenticationToken, 403
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/CommonErrors.html,
    https://docs.aws.amazon.com/Route53/latest/APIReference/CommonErrors.html,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/CommonErrors.html). JSON services answer the
    awsJson name MissingAuthenticationTokenException with 400
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html, the JSON-protocol
    page that lists these authentication exceptions)."""
    if protocol in JSON_FRONT_ENDS:
        return Refusal("MissingAuthenticationTokenException", "Missing Authentication Token", json_status(protocol))
    return Refusal("MissingAuthenticationToken",
                   "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.", 403)


def _incomplete(protocol: str, message: str) -> Refusal:
    """A malformed Authorization header: IncompleteSignature, 400 (CommonErrors pages cited in _missing_token;
    JSON: IncompleteSignatureException, DynamoDB's Programming.Errors page)."""
    return Refusal("IncompleteSignatureException" if protocol in JSON_FRONT_ENDS else "IncompleteSignature", message,
                   400)


def _unknown_key(protocol: str) -> Refusal:
    """An access key the account does not have. EC2: AuthFailure, 401
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html); ELBv2 and Route 53:
    InvalidClientTokenId, 403 (their CommonErrors pages); JSON: UnrecognizedClientException, 400
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html)."""
    if protocol == "ec2":
        return Refusal("AuthFailure", EC2_AUTH_FAILURE, 401)
    if protocol in JSON_FRONT_ENDS:
        return Refusal("UnrecognizedClientException", INVALID_TOKEN, json_status(protocol))
    return Refusal("InvalidClientTokenId", INVALID_TOKEN, 403)


def _bad_signature(protocol: str, message: str = MISMATCH) -> Refusal:
    """A signature that does not verify. HTTP 403 SignatureDoesNotMatch
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html); EC2 answers AuthFailure
    401 for every credential it cannot validate (errors-overview.html); JSON services InvalidSignatureException 400
    (DynamoDB's Programming.Errors page)."""
    if protocol == "ec2":
        return Refusal("AuthFailure", EC2_AUTH_FAILURE, 401)
    if protocol in JSON_FRONT_ENDS:
        return Refusal("InvalidSignatureException", message, json_status(protocol))
    return Refusal("SignatureDoesNotMatch", message, 403)


def _expired(protocol: str, signed: datetime.datetime, now: datetime.datetime, window: datetime.timedelta) -> Refusal:
    """A request time outside the allowed skew. EC2: RequestExpired, 400
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). Other services refuse it as a
    signature error whose message names the window, as they answer it:
    "Signature expired: <X-Amz-Date> is now earlier than <now - 5 min> (<now> - 5 min.)"."""
    if protocol == "ec2":
        return Refusal("RequestExpired", "Request has expired.", 400)
    minutes = int(window.total_seconds() // 60)
    if signed < now:
        message = (f"Signature expired: {_fmt(signed)} is now earlier than {_fmt(now - window)} "
                   f"({_fmt(now)} - {minutes} min.)")
    else:
        message = (f"Signature not yet current: {_fmt(signed)} is still later than {_fmt(now + window)} "
                   f"({_fmt(now)} + {minutes} min.)")
    return _bad_signature(protocol, message)


def _fmt(moment: datetime.datetime) -> str:
    return moment.strftime(AMZ_DATE_FORMAT)


# ----------------------------------------------------------------------------------------------------------------
# Parsing the request


def _header_values(headers: Iterable[tuple], name: str) -> list:
    """Every value of header `name` (case-insensitive), in the order received: http.server keeps repeated lines."""
    name = name.lower()
    return [value for key, value in headers if key.lower() == name]


def _first(headers: Iterable[tuple], name: str) -> str | None:
    values = _header_values(headers, name)
    return values[0] if values else None


def parse_authorization(value: str) -> "Authorization | str":
    """-> the Authorization header's parts, or the IncompleteSignature message AWS gives for a malformed one."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        return f"Unsupported AWS 'algorithm': '{algorithm}'"
    fields = {}
    for part in rest.split(","):
        key, eq, val = part.strip().partition("=")
        if eq:
            fields[key.strip()] = val.strip()
    missing = [f"Authorization header requires '{name}' parameter."
               for name in ("Credential", "Signature", "SignedHeaders") if not fields.get(name)]
    if missing:
        return " ".join(missing) + f" Authorization={value}"
    scope = fields["Credential"].split("/")
    if len(scope) != 5 or scope[4] != "aws4_request" or not all(scope):
        return f"Credential should be scoped to a valid region and service. Credential={fields['Credential']}"
    signed = [name.strip().lower() for name in fields["SignedHeaders"].split(";")]
    return Authorization(scope[0], scope[1], scope[2], scope[3], "/".join(scope[1:]), signed, fields["Signature"])


def access_key_of(headers: Iterable[tuple]) -> str | None:
    """The access key id of the Authorization header's Credential, or None: for logging and policy lookup."""
    match = CREDENTIAL_RE.search(_first(headers, "authorization") or "")
    return match.group(1) if match else None


def _request_time(headers: Iterable[tuple]) -> "tuple[str, datetime.datetime] | str":
    """-> (the timestamp as signed, as a UTC datetime), or an IncompleteSignature message. AWS reads X-Amz-Date first,
    then Date (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-date-handling.html)."""
    amz_date = _first(headers, "x-amz-date")
    if amz_date is not None:
        try:
            moment = datetime.datetime.strptime(amz_date.strip(), AMZ_DATE_FORMAT)
        except ValueError:
            return f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'."
        return amz_date.strip(), moment.replace(tzinfo=datetime.UTC)
    date = _first(headers, "date")
    if date is None:
        return "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
    try:
        moment = parsedate_to_datetime(date).astimezone(datetime.UTC)
    except (TypeError, ValueError):
        return f"Date must be in RFC 1123 format. Got '{date}'."
    return _fmt(moment), moment


# ----------------------------------------------------------------------------------------------------------------
# The canonical request (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)


def _split_target(target: str) -> tuple:
    """-> (raw path, raw query) of the request-target; an absolute-form target (via a proxy) loses its authority."""
    if target.startswith(("http://", "https://")):
        parts = urllib.parse.urlsplit(target)
        return parts.path or "/", parts.query
    path, _, query = target.partition("?")
    return path, query


def normalize_path(path: str) -> str:
    """RFC 3986 §5.2.4 dot-segment removal on the raw (still percent-encoded) path, as aws-sigv4's
    normalize_uri_path does: empty -> "/", a trailing slash kept. Empty segments ("//") are kept, as aws-sigv4 keeps
    them (botocore drops them; ecsnet's paths never have any)."""
    if not path:
        return "/"
    if not path.startswith("/"):
        path = "/" + path
    if "." not in path:
        return path
    out = []
    for segment in path.split("/"):
        if segment == ".":
            continue
        if segment == "..":
            if out:
                out.pop()
            continue
        out.append(segment)
    result = "/".join(out)
    if not result.startswith("/"):
        result = "/" + result
    if path.endswith(("/", "/.", "/..")) and not result.endswith("/"):
        result += "/"
    return result


def canonical_uri(path: str) -> str:
    """The raw path, normalized, URI-encoded once more: every service but S3 signs each segment encoded twice
    (create-signed-request.html, "CanonicalURI"; botocore quotes the already-encoded path with safe='/~',
    aws-sigv4's PercentEncodingMode::Double re-encodes it). '%' becomes '%25'; '/' stays."""
    return urllib.parse.quote(normalize_path(path), safe="/~")


def _encode(text: bytes) -> str:
    """RFC 3986 encoding of SigV4: unreserved A-Z a-z 0-9 - _ . ~ kept, every other byte %XX upper-case (a space is
    %20, never +)."""
    return urllib.parse.quote(text, safe="-_.~")


def canonical_query(query: str) -> str:
    """Decode the raw query, then re-encode every key and value and sort by key, then value (create-signed-request.html,
    "CanonicalQueryString"). A '+' decodes to a space, as aws-sigv4's form_urlencoded parser reads it."""
    pairs = []
    for item in query.split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        pairs.append((_encode(urllib.parse.unquote_to_bytes(key.replace("+", " "))),
                      _encode(urllib.parse.unquote_to_bytes(value.replace("+", " ")))))
    return "&".join(f"{key}={value}" for key, value in sorted(pairs))


def _trim_all(value: str) -> str:
    """Header value: spaces trimmed, runs of spaces collapsed to one (create-signed-request.html, "CanonicalHeaders";
    aws-sigv4's trim_all touches spaces only)."""
    return re.sub(" {2,}", " ", value.strip(" "))


def canonical_headers(headers: Iterable[tuple], signed: list) -> str | None:
    """name:value lines of the SIGNED headers only, values of repeated headers joined by ','; None when a signed
    header is not in the request (the signature cannot match)."""
    lines = []
    for name in signed:
        values = _header_values(headers, name)
        if not values:
            return None
        lines.append(f"{name}:{','.join(_trim_all(v) for v in values)}")
    return "\n".join(lines) + "\n"


def payload_hash(headers: Iterable[tuple], body: bytes) -> "str | None":
    """Hex SHA-256 of the raw body, or the client's x-amz-content-sha256 when it sent one (create-signed-request.html,
    "HashedPayload"). A declared hash that is not the body's means the body was changed after signing: None."""
    actual = hashlib.sha256(body or b"").hexdigest()
    declared = _first(headers, "x-amz-content-sha256")
    if declared is None:
        return actual
    declared = declared.strip()
    if HEX64.fullmatch(declared) and declared.lower() != actual:
        return None
    return declared


def canonical_request(method: str, target: str, headers: Iterable[tuple], body: bytes, signed: list) -> str | None:
    """The canonical request the client must have signed, or None when it cannot have signed this request."""
    path, query = _split_target(target)
    header_block = canonical_headers(headers, signed)
    hashed = payload_hash(headers, body)
    if header_block is None or hashed is None:
        return None
    return "\n".join([method.upper(), canonical_uri(path), canonical_query(query), header_block, ";".join(signed),
                      hashed])


def string_to_sign(amz_date: str, scope: str, creq: str) -> str:
    return "\n".join([ALGORITHM, amz_date, scope, hashlib.sha256(creq.encode("utf-8")).hexdigest()])


def signature(secret: str, auth: Authorization, sts: str) -> str:
    """HMAC chain of the signing key (create-signed-request.html, "Calculate the signature")."""
    key = ("AWS4" + secret).encode("utf-8")
    for part in (auth.date, auth.region, auth.service, "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()


# ----------------------------------------------------------------------------------------------------------------
# Verification


def _check_form(auth: Authorization, amz_date: str, service: str, protocol: str) -> Refusal | None:
    """Scope and signed-header rules checked before any key lookup."""
    if "host" not in auth.signed_headers:
        # create-signed-request.html: "The host header must be included as a signed header."
        return _incomplete(protocol, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
    if auth.date != amz_date[:8]:
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-date-handling.html: "If the dates don't
        # match, AWS rejects the request, even if the time stamp is only seconds away".
        return _bad_signature(protocol, f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                                        f"date from HTTP: '{auth.date}' != '{amz_date[:8]}', from '{amz_date}'.")
    if service and auth.service != service:
        return _bad_signature(protocol, f"Credential should be scoped to correct service: '{service}'. ")
    return None


def _check_time(signed: datetime.datetime, now: datetime.datetime, protocol: str) -> Refusal | None:
    window = EC2_SKEW if protocol == "ec2" else DEFAULT_SKEW
    if abs(now - signed) > window:
        return _expired(protocol, signed, now, window)
    return None


def _check_signature(method, target, headers, body, auth, amz_date, secret, protocol) -> Refusal | None:
    creq = canonical_request(method, target, headers, body, auth.signed_headers)
    if creq is None:
        return _bad_signature(protocol)
    sts = string_to_sign(amz_date, auth.scope, creq)
    if hmac.compare_digest(signature(secret, auth, sts).encode(), auth.signature.encode("utf-8", "replace")):
        return None
    # AWS's query and JSON services quote the canonical string they computed: the lead's best debugging aid.
    return _bad_signature(protocol, f"{MISMATCH}\n\nThe Canonical String for this request should have been\n'{creq}'"
                                    f"\n\nThe String-to-Sign should have been\n'{sts}'\n")


def verify(method: str, target: str, headers: list, body: bytes, service: str, protocol: str,
           secret_for: Callable[[str], str | None], now: datetime.datetime | None = None) -> Refusal | None:
    """None when the request is authentic, else the Refusal the service itself would answer (see module doc)."""
    header = _first(headers, "authorization")
    if header is None or not header.strip():
        return _missing_token(protocol)
    auth = parse_authorization(header)
    if isinstance(auth, str):
        return _incomplete(protocol, auth)
    when = _request_time(headers)
    if isinstance(when, str):
        return _incomplete(protocol, when)
    amz_date, signed_at = when
    refusal = _check_form(auth, amz_date, service, protocol)
    if refusal is not None:
        return refusal
    secret = secret_for(auth.access_key)
    if secret is None:
        return _unknown_key(protocol)
    now = now or datetime.datetime.now(datetime.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=datetime.UTC)
    return _check_time(signed_at, now, protocol) or _check_signature(
        method, target, headers, body, auth, amz_date, secret, protocol)
