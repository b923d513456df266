"""The rules in the order AWS applies them, consulted by the proxy for every request: each rule whose `applies_to`
matches it (core.Requests), before the request is forwarded (`check`) and after the emulator answered (`observe`).

Order: throttling first (AWS refuses an over-rate request before reading it), then the request's shape against
the API model, then existence (eventual consistency), then quotas and dependencies, which read live state.
"""
import sys
import threading
import traceback
from collections import Counter
from dataclasses import fields

from .core import Config, Refusal, Request, Upstream


def default_rules(config, principals=None):
    """Authentication first (AWS answers an unsigned or forged request before anything else), then the request
    rates of the signer's account, the request's shape, then IAM's authorization (its checks are built from the
    parsed request), then live state."""
    from . import consistency, dependencies, quotas, rates, shapes
    from .iam import rules as iam
    shapes.preload()   # the six API models and their patterns, once, at start (about a second)
    principals = principals or iam.Principals()
    return [iam.Authentication(principals), *rates.rules(config), *shapes.rules(config),
            iam.Authorization(principals), *consistency.rules(config), *quotas.rules(config),
            *dependencies.rules(config)]


class Layer:
    def __init__(self, upstream_url, config=None, rules=None, credentials=("test", "test")):
        self.config = config or Config()
        self.upstream = Upstream(upstream_url, *credentials)
        from .iam.rules import Principals
        self.principals = Principals()
        self.rules = default_rules(self.config, self.principals) if rules is None else rules
        self.enabled = True
        self.lock = threading.Lock()
        self.refused = Counter()     # rule name → requests it refused

    def configure(self, values):
        """Sets Config fields (and `enabled`) from a JSON object; answers the resulting settings."""
        known = {f.name: f.type for f in fields(Config)}
        unknown = set(values) - set(known) - {"enabled", "upstream_credentials"}
        if unknown:
            raise ValueError(f"unknown rules settings: {sorted(unknown)}")
        with self.lock:
            for key, value in values.items():
                if key == "enabled":
                    self.enabled = bool(value)
                elif key == "upstream_credentials":   # [access key, secret key]: when the emulator enforces IAM
                    access_key, secret_key = value
                    self.upstream = Upstream(self.upstream.endpoint, access_key, secret_key)
                elif isinstance(getattr(self.config, key), bool):
                    setattr(self.config, key, bool(value))
                else:
                    value = float(value)
                    if value < 0:
                        raise ValueError(f"{key} must not be negative")
                    setattr(self.config, key, value)
        return self.settings()

    def settings(self):
        return {"enabled": self.enabled, **{f.name: getattr(self.config, f.name) for f in fields(Config)}}

    def stats(self):
        with self.lock:
            return dict(sorted(self.refused.items()))

    def check(self, request: Request) -> Refusal | None:
        if not self.enabled:
            return None
        for rule in self.rules:
            try:
                if not rule.applies(request):
                    continue
                refusal = rule.check(request, self.upstream)
            except Exception as error:  # a bug of the layer: loud, and never taken for AWS's answer
                return self.bug(rule, request, error)
            if refusal is not None:
                with self.lock:
                    self.refused[rule.name] += 1
                sys.stderr.write(f"aws-rules: {rule.name} refused {request.service}.{request.operation}: "
                                 f"{refusal.code}: {refusal.message[:300]}\n")
                return refusal
        return None

    def observe(self, request: Request, status: int, body: bytes) -> bytes:
        if not self.enabled:
            return body
        for rule in self.rules:
            try:
                if not rule.applies(request):
                    continue
                rewritten = rule.observe(request, status, body)
            except Exception as error:
                sys.stderr.write(f"aws-rules: {rule.name} failed observing {request.service}.{request.operation}: "
                                 f"{error}\n")
                traceback.print_exc()
                continue
            if rewritten is not None:
                body = rewritten
        return body

    def bug(self, rule, request, error):
        sys.stderr.write(f"aws-rules: {rule.name} failed on {request.service}.{request.operation}: {error}\n")
        traceback.print_exc()
        with self.lock:
            self.refused["layer-bug"] += 1
        return Refusal("AwsRulesLayerBug", f"the AWS-rules layer's rule {rule.name} failed: {error!r}", 500)
