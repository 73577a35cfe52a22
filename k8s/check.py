#!/usr/bin/env python3
"""Static checks of Tandem's Kubernetes manifests.

Usage: python3 k8s/check.py [K8S_DIR]

Loads every YAML file under K8S_DIR/base and K8S_DIR/components (K8S_DIR defaults to the
folder of this script) and checks them against the binary: the targets, their ports and
who calls whom are read from src/target.rs, so a new peer in the code fails this check
until the manifests (env and network policies) follow. Also checks the kustomizations
and, when `kubectl` or `kustomize` is on PATH, that base and every overlay render.

Prints one FAIL line per problem and ends with "k8s: N checks passed" (exit 0) or
"k8s: N checks passed, M failed" (exit 1). Needs PyYAML (Debian: python3-yaml).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

try:
    import yaml
except ImportError:
    # pyenv/venv interpreters do not see Debian's python3-yaml; Debian's python3 does.
    system = "/usr/bin/python3"
    if (
        os.path.exists(system)
        and os.path.realpath(sys.executable) != os.path.realpath(system)
        and not os.environ.get("TANDEM_K8S_CHECK_REEXEC")
        and subprocess.run([system, "-c", "import yaml"], capture_output=True).returncode == 0
    ):
        os.environ["TANDEM_K8S_CHECK_REEXEC"] = "1"
        os.execv(system, [system, *sys.argv])
    sys.exit(
        "k8s/check.py: PyYAML is missing. Install it with `apt-get install -y python3-yaml` "
        "(Debian) or `python3 -m pip install pyyaml`."
    )

HERE = Path(__file__).resolve().parent
TARGET_RS = HERE.parent / "src" / "target.rs"
# Where the binary's metrics are defined (names, kinds and units).
METRICS_RS = HERE.parent / "mesh" / "src" / "metrics" / "mod.rs"
EXPECTED_TARGETS = ["insurance", "accessory", "install", "settlement", "leads", "buyback", "gateway"]
NAMESPACE = "tandem"
DB_SECRET = "tandem-db"
# Every target's certificate (ca.crt, tls.crt, tls.key) comes from this Secret.
TLS_SECRET = "tandem-tls-{}"
ASSERTION_SECRET = "tandem-user-assertion"
PROBE = ["/usr/local/bin/tandem", "probe"]
# The admin port of every process: GET /metrics (src/admin.rs).
METRICS_PORT = 9464
IMAGE = "tandem"
UID = 65532
# Seconds a server may spend draining after the shutdown grace (mesh ServerConfig /
# gateway DRAIN_TIMEOUT), to fit inside terminationGracePeriodSeconds.
DRAIN_SECONDS = 10


class Checker:
    def __init__(self):
        self.passed = 0
        self.failures = []

    def check(self, ok, message):
        """Counts one check; `message` says what was expected."""
        if ok:
            self.passed += 1
        else:
            self.failures.append(message)
        return bool(ok)

    def fail(self, message):
        return self.check(False, message)


# --- the binary's view: src/target.rs ---------------------------------------------------


def fn_body(source, name):
    """The text of `fn name(…) { … }` in `source`, braces balanced."""
    m = re.search(r"\bfn\s+" + name + r"\s*\(", source)
    if not m:
        raise ValueError(f"no fn {name}")
    start = source.index("{", m.end())
    depth = 0
    for i in range(start, len(source)):
        if source[i] == "{":
            depth += 1
        elif source[i] == "}":
            depth -= 1
            if depth == 0:
                return source[start : i + 1]
    raise ValueError(f"unbalanced fn {name}")


def read_targets(path):
    """{target: {"port", "peers", "database"}} from Target's methods in src/target.rs."""
    source = path.read_text()
    names = dict(re.findall(r'Target::(\w+)\s*=>\s*"(\w+)"', fn_body(source, "as_str")))
    ports = {
        names[v]: int(p)
        for v, p in re.findall(r"Target::(\w+)\s*=>\s*(\d+)", fn_body(source, "default_port"))
    }
    peers = {name: [] for name in names.values()}
    for variant, inner in re.findall(r"Target::(\w+)\s*=>\s*&\[([^\]]*)\]", fn_body(source, "peers")):
        peers[names[variant]] = [names[v] for v in re.findall(r"Target::(\w+)", inner)]
    # Every target keeps a database of its own (the gateway's holds sessions and checkouts).
    no_db = None
    targets = {}
    for name in names.values():
        if name not in ports:
            raise ValueError(f"no default_port for {name}")
        targets[name] = {"port": ports[name], "peers": peers[name], "database": name != no_db}
    return targets


# --- loading ----------------------------------------------------------------------------


def load_docs(c, root, folders):
    """Every YAML document under `folders`, as (path, doc)."""
    docs = []
    for folder in folders:
        base = root / folder
        if not c.check(base.is_dir(), f"{base}: folder missing"):
            continue
        for path in sorted(list(base.rglob("*.yaml")) + list(base.rglob("*.yml"))):
            try:
                with path.open() as f:
                    for doc in yaml.safe_load_all(f):
                        if doc is not None:
                            docs.append((path, doc))
                c.check(True, "")
            except yaml.YAMLError as e:
                c.fail(f"{path}: not valid YAML: {e}")
    return docs


def env_map(container):
    return {e.get("name"): e for e in container.get("env") or []}


def port_of(addr):
    m = re.fullmatch(r".*:(\d+)", str(addr))
    return int(m.group(1)) if m else None


def labels_match(selector, labels):
    return bool(selector) and all((labels or {}).get(k) == v for k, v in selector.items())


def image_name(image):
    image = str(image).split("@")[0]
    last = image.rsplit("/", 1)[-1]
    return image[: len(image) - len(last)] + last.split(":")[0]


# --- per-target checks ------------------------------------------------------------------


def check_target(c, name, spec, targets, objs, secret_keys):
    port = spec["port"]
    where = f"{name}"
    sa = objs.get(("ServiceAccount", name))
    if c.check(sa, f"{where}: no ServiceAccount {name}"):
        c.check(sa.get("automountServiceAccountToken") is False,
                f"{where}: ServiceAccount must set automountServiceAccountToken: false")

    dep = objs.get(("Deployment", name))
    if not c.check(dep, f"{where}: no Deployment {name}"):
        return
    template = dep.get("spec", {}).get("template", {})
    pod_labels = template.get("metadata", {}).get("labels", {})
    pod = template.get("spec", {})
    c.check(labels_match(dep["spec"].get("selector", {}).get("matchLabels"), pod_labels),
            f"{where}: Deployment selector does not match its pod labels")
    containers = pod.get("containers") or []
    if not c.check(len(containers) == 1, f"{where}: expected exactly one container"):
        return
    ctr = containers[0]
    c.check(ctr.get("args") == ["serve", name],
            f"{where}: container args are {ctr.get('args')!r}, expected ['serve', '{name}']")
    c.check("command" not in ctr, f"{where}: must not override the image ENTRYPOINT (command)")
    c.check(image_name(ctr.get("image", "")).rsplit("/", 1)[-1] == IMAGE,
            f"{where}: image {ctr.get('image')!r} is not the `{IMAGE}` image")

    # Ports: the target's own, and the admin port Prometheus scrapes.
    cports = ctr.get("ports") or []
    cport = next((p for p in cports if p.get("containerPort") == port), None)
    c.check(cport, f"{where}: no containerPort {port}")
    c.check(any(p.get("containerPort") == METRICS_PORT and p.get("name") == "metrics" for p in cports),
            f"{where}: no containerPort {METRICS_PORT} named metrics (/metrics)")
    notes = template.get("metadata", {}).get("annotations") or {}
    c.check(notes.get("prometheus.io/scrape") == "true" and notes.get("prometheus.io/port") == str(METRICS_PORT),
            f"{where}: pod template lacks prometheus.io/scrape and prometheus.io/port {METRICS_PORT}")
    env = env_map(ctr)
    c.check(len(env) == len(ctr.get("env") or []), f"{where}: an env variable is set twice")
    addr = env.get(f"TANDEM_{name.upper()}_ADDR")
    if addr is not None:
        c.check(port_of(addr.get("value")) == port,
                f"{where}: TANDEM_{name.upper()}_ADDR={addr.get('value')!r} does not listen on {port}")

    if name != "gateway":
        # Connections age out so that calls through the Service reach every replica.
        age = (env.get("TANDEM_MAX_CONNECTION_AGE_SECS") or {}).get("value", "0")
        c.check(age.isdigit() and int(age) > 0,
                f"{where}: TANDEM_MAX_CONNECTION_AGE_SECS must be set (> 0) so calls spread over replicas")

    # Service.
    svc = objs.get(("Service", name))
    if c.check(svc, f"{where}: no Service {name}"):
        c.check(labels_match(svc["spec"].get("selector"), pod_labels),
                f"{where}: Service selector does not match the pod labels")
        sport = next((p for p in svc["spec"].get("ports") or [] if p.get("port") == port), None)
        if c.check(sport, f"{where}: Service does not expose port {port}"):
            target = sport.get("targetPort", port)
            ok = target == port or (cport is not None and target == cport.get("name"))
            c.check(ok, f"{where}: Service targetPort {target!r} is not container port {port}")

    # Probes.
    ready = ctr.get("readinessProbe") or {}
    live = ctr.get("livenessProbe") or {}
    if name == "gateway":
        # Readiness fails first on a stop signal (then the gateway drains); liveness
        # only says the process answers.
        for kind, probe, path in (("readiness", ready, "/readyz"), ("liveness", live, "/healthz")):
            get = probe.get("httpGet") or {}
            c.check(get.get("path") == path and get.get("port") in (port, (cport or {}).get("name")),
                    f"{where}: {kind}Probe must be httpGet {path} on {port}")
    else:
        # kubelet's gRPC probe cannot present a client certificate: `tandem probe` asks
        # over mutual TLS with the container's own.
        c.check((ready.get("exec") or {}).get("command") == PROBE + [name],
                f"{where}: readinessProbe must exec {PROBE + [name]}")
        startup = ctr.get("startupProbe")
        if startup is not None:
            c.check((startup.get("exec") or {}).get("command") == PROBE + [name],
                    f"{where}: startupProbe must exec {PROBE + [name]}")
        handler = next((live[k] for k in ("grpc", "tcpSocket", "httpGet") if k in live), None)
        c.check(handler is not None and handler.get("port") in (port, (cport or {}).get("name")),
                f"{where}: livenessProbe missing or not on port {port}")

    # Hardening.
    psc = pod.get("securityContext") or {}
    csc = ctr.get("securityContext") or {}
    c.check(psc.get("runAsNonRoot") is True or csc.get("runAsNonRoot") is True,
            f"{where}: runAsNonRoot: true missing")
    c.check((csc.get("runAsUser") or psc.get("runAsUser")) == UID, f"{where}: runAsUser must be {UID}")
    c.check(((csc.get("seccompProfile") or psc.get("seccompProfile")) or {}).get("type") == "RuntimeDefault",
            f"{where}: seccompProfile RuntimeDefault missing")
    c.check(csc.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem: true missing")
    c.check(csc.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation: false missing")
    c.check("ALL" in ((csc.get("capabilities") or {}).get("drop") or []), f"{where}: capabilities must drop ALL")
    c.check(csc.get("privileged") is not True, f"{where}: must not be privileged")
    c.check(pod.get("automountServiceAccountToken") is False,
            f"{where}: pod must set automountServiceAccountToken: false")
    c.check(pod.get("serviceAccountName") == name and sa is not None,
            f"{where}: serviceAccountName must be its own ServiceAccount {name}")
    res = ctr.get("resources") or {}
    for kind in ("requests", "limits"):
        for r in ("cpu", "memory"):
            c.check((res.get(kind) or {}).get(r), f"{where}: resources.{kind}.{r} missing")

    # Shutdown: NOT_SERVING grace + drain must fit in the termination grace period.
    grace_ms = env.get("TANDEM_SHUTDOWN_GRACE_MS", {}).get("value")
    if c.check(grace_ms is not None and str(grace_ms).isdigit() and int(grace_ms) > 0,
               f"{where}: TANDEM_SHUTDOWN_GRACE_MS must be set (> 0)"):
        period = pod.get("terminationGracePeriodSeconds", 30)
        c.check(int(grace_ms) / 1000 + DRAIN_SECONDS < period,
                f"{where}: grace {grace_ms} ms + {DRAIN_SECONDS} s drain exceeds "
                f"terminationGracePeriodSeconds {period}")

    # Data dir: writable emptyDir despite the read-only root filesystem.
    data_dir = (env.get("TANDEM_DATA_DIR") or {}).get("value")
    mounts = {m.get("mountPath"): m.get("name") for m in ctr.get("volumeMounts") or []}
    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    c.check(data_dir and data_dir in mounts and "emptyDir" in volumes.get(mounts[data_dir], {}),
            f"{where}: TANDEM_DATA_DIR must be a mounted emptyDir")

    check_trust(c, where, name, env, mounts, volumes, ctr)

    # Database URL from the operator's Secret.
    db = env.get(f"TANDEM_{name.upper()}_DATABASE_URL")
    if spec["database"]:
        ref = ((db or {}).get("valueFrom") or {}).get("secretKeyRef") or {}
        key = f"{name}-url"
        if c.check(ref.get("name") == DB_SECRET and ref.get("key") == key,
                   f"{where}: TANDEM_{name.upper()}_DATABASE_URL must come from Secret {DB_SECRET} key {key}"):
            c.check(key in secret_keys, f"{where}: db-secret.example.yaml has no key {key}")
    else:
        c.check(db is None, f"{where}: has no database but sets TANDEM_{name.upper()}_DATABASE_URL")

    # Peer URLs: each points at an existing Service and port; each needed peer is set.
    for var, e in env.items():
        m = re.fullmatch(r"TANDEM_([A-Z]+)_URL", var or "")
        if not m:
            continue
        value = str(e.get("value", ""))
        url = urlparse(value)
        host = (url.hostname or "").split(".")[0]
        svc = objs.get(("Service", host))
        ok = url.scheme in ("http", "https") and svc is not None and any(
            p.get("port") == url.port for p in svc["spec"].get("ports") or [])
        c.check(ok, f"{where}: {var}={value!r} is not http://<existing Service>:<its port>")
        peer = m.group(1).lower()
        c.check(peer in targets and host == peer and url.port == targets.get(peer, {}).get("port"),
                f"{where}: {var} should point at Service {peer} port {targets.get(peer, {}).get('port')}")
    for peer in spec["peers"]:
        c.check(f"TANDEM_{peer.upper()}_URL" in env,
                f"{where}: calls {peer} but TANDEM_{peer.upper()}_URL is not set (serve would refuse to start)")


def check_trust(c, where, name, env, mounts, volumes, ctr):
    """Mutual TLS from the target's certificate Secret, mounted read-only; the assertion
    key for the gateway, the public key for the services."""
    c.check(str((env.get("TANDEM_INSECURE_PLAINTEXT") or {}).get("value", "")).lower() in ("", "false", "0"),
            f"{where}: TANDEM_INSECURE_PLAINTEXT must not be set")
    c.check("--insecure-plaintext" not in (ctr.get("args") or []), f"{where}: --insecure-plaintext in args")
    read_only = {m.get("mountPath"): m for m in ctr.get("volumeMounts") or []}

    def secret_file(var, secret, key):
        path = str((env.get(var) or {}).get("value", ""))
        folder, _, file = path.rpartition("/")
        volume = volumes.get(mounts.get(folder), {})
        ref = volume.get("secret") or {}
        items = {i.get("path"): i.get("key") for i in ref.get("items") or []}
        ok = (ref.get("secretName") == secret and (items.get(file, file) == key)
              and (read_only.get(folder) or {}).get("readOnly") is True)
        c.check(ok, f"{where}: {var} must be {key} of Secret {secret} mounted read-only (is {path!r})")

    secret = TLS_SECRET.format(name)
    for var, key in (("TANDEM_TLS_CA", "ca.crt"), ("TANDEM_TLS_CERT", "tls.crt"), ("TANDEM_TLS_KEY", "tls.key")):
        secret_file(var, secret, key)
    if name == "gateway":
        secret_file("TANDEM_USER_ASSERTION_KEY", ASSERTION_SECRET, "signing-key")
    else:
        ref = ((env.get("TANDEM_USER_ASSERTION_PUBLIC_KEY") or {}).get("valueFrom") or {}).get("secretKeyRef") or {}
        c.check(ref.get("name") == ASSERTION_SECRET and ref.get("key") == "public-key",
                f"{where}: TANDEM_USER_ASSERTION_PUBLIC_KEY must come from Secret {ASSERTION_SECRET} key public-key")


def check_certificates(c, targets, objs):
    """The cert-manager component issues every target's Secret with its partner identity."""
    certs = {name: doc for (kind, name), doc in objs.items() if kind == "Certificate"}
    if not c.check(certs, "components/cert-manager: no Certificate found"):
        return
    for name in targets:
        cert = certs.get(TLS_SECRET.format(name)) or {}
        spec = cert.get("spec") or {}
        c.check(spec.get("secretName") == TLS_SECRET.format(name),
                f"cert-manager: no Certificate with secretName {TLS_SECRET.format(name)}")
        c.check(f"spiffe://tandem/partner/{name}" in (spec.get("uris") or []),
                f"cert-manager: {name}'s Certificate must carry the URI SAN spiffe://tandem/partner/{name}")
        c.check(name in (spec.get("dnsNames") or []), f"cert-manager: {name}'s Certificate must name DNS {name}")
        usages = spec.get("usages") or []
        c.check("client auth" in usages and "server auth" in usages,
                f"cert-manager: {name}'s Certificate needs the usages client auth and server auth")


# --- network policies -------------------------------------------------------------------


def check_network_policies(c, targets, policies, pod_labels):
    if not c.check(policies, "components: no NetworkPolicy found"):
        return
    c.check(any(p["spec"].get("podSelector") == {} and "Ingress" in (p["spec"].get("policyTypes") or [])
                and not p["spec"].get("ingress") for p in policies),
            "network policies: no default-deny ingress policy (podSelector {}, no ingress rules)")

    def selects(policy, target):
        sel = (policy["spec"].get("podSelector") or {}).get("matchLabels")
        return sel and labels_match(sel, pod_labels.get(target))

    def rule_ports(rule):
        return [p.get("port") for p in rule.get("ports") or []]

    callers = {t: [c_ for c_, s in targets.items() if t in s["peers"]] for t in targets}
    for policy in policies:
        name = policy["metadata"]["name"]
        sel = (policy["spec"].get("podSelector") or {}).get("matchLabels")
        if not sel:
            continue
        selected = [t for t in targets if selects(policy, t)]
        c.check(selected, f"network policy {name}: selects no Tandem Deployment")
        for t in selected:
            for rule in policy["spec"].get("ingress") or []:
                for src in rule.get("from") or []:
                    src_sel = (src.get("podSelector") or {}).get("matchLabels")
                    who = [s for s in targets if src_sel and labels_match(src_sel, pod_labels.get(s))]
                    c.check(who and all(s in callers[t] for s in who),
                            f"network policy {name}: lets {who or src} reach {t}, which is not in the call graph")

    def allows(target, caller):
        port = targets[target]["port"]
        for policy in policies:
            if not selects(policy, target):
                continue
            for rule in policy["spec"].get("ingress") or []:
                if rule_ports(rule) and port not in rule_ports(rule):
                    continue
                froms = rule.get("from")
                if froms is None and caller is None:
                    return True
                for src in froms or []:
                    src_sel = (src.get("podSelector") or {}).get("matchLabels")
                    if caller and src_sel and labels_match(src_sel, pod_labels.get(caller)):
                        return True
        return False

    c.check(allows("gateway", None), "network policies: gateway must accept ingress from anywhere on its port")
    for caller, spec in targets.items():
        for peer in spec["peers"]:
            c.check(allows(peer, caller),
                    f"network policies: {caller} -> {peer}:{targets[peer]['port']} is not allowed")


# --- kustomizations ---------------------------------------------------------------------


def check_kustomizations(c, root):
    base = root / "base"
    kust_path = base / "kustomization.yaml"
    if not c.check(kust_path.exists(), f"{kust_path}: missing"):
        return
    kust = yaml.safe_load(kust_path.read_text()) or {}
    listed = kust.get("resources") or []
    files = sorted(p.name for p in base.glob("*.yaml") if p.name != "kustomization.yaml")
    c.check("db-secret.example.yaml" not in listed,
            "base/kustomization.yaml must not list db-secret.example.yaml (operators create the Secret)")
    for f in files:
        if f != "db-secret.example.yaml":
            c.check(f in listed, f"base/kustomization.yaml does not list {f}")
    for r in listed:
        c.check((base / r).exists(), f"base/kustomization.yaml lists missing {r}")
    c.check(kust.get("namespace") == NAMESPACE, f"base/kustomization.yaml namespace must be {NAMESPACE}")
    c.check(not any(i.get("newTag") for i in kust.get("images") or []),
            "base/kustomization.yaml must not set the image tag (each overlay does)")

    for kpath in sorted(root.glob("components/*/kustomization.yaml")):
        k = yaml.safe_load(kpath.read_text()) or {}
        c.check(k.get("kind") == "Component", f"{kpath}: kind must be Component")
        for r in k.get("resources") or []:
            c.check((kpath.parent / r).exists(), f"{kpath}: lists missing {r}")
    for kpath in sorted(root.glob("overlays/*/kustomization.yaml")):
        k = yaml.safe_load(kpath.read_text()) or {}
        for r in (k.get("resources") or []) + (k.get("components") or []):
            c.check((kpath.parent / r).exists(), f"{kpath}: refers to missing {r}")


def check_overlay(c, d, docs):
    """A rendered overlay deploys a pinned image; the production one is highly available."""
    deployments = {x["metadata"]["name"]: x for x in docs if x.get("kind") == "Deployment"}
    for name, dep in deployments.items():
        for ctr in dep["spec"]["template"]["spec"].get("containers") or []:
            image = str(ctr.get("image", ""))
            tag = image.rsplit("/", 1)[-1].partition(":")[2]
            c.check(tag and tag != "latest" or "@sha256:" in image,
                    f"{d}: {name} runs image {image!r}; an overlay must pin a tag other than latest")
    if d.name != "production":
        return
    by_kind = lambda kind: [x for x in docs if x.get("kind") == kind]
    for name, dep in deployments.items():
        labels = dep["spec"]["template"]["metadata"].get("labels", {})
        c.check((dep["spec"].get("replicas") or 1) >= 2, f"{d}: {name} needs at least 2 replicas")
        c.check(any(labels_match((p["spec"].get("selector") or {}).get("matchLabels"), labels)
                    and (p["spec"].get("minAvailable") or p["spec"].get("maxUnavailable"))
                    for p in by_kind("PodDisruptionBudget")),
                f"{d}: no PodDisruptionBudget selects {name}")
        c.check(any((h["spec"].get("scaleTargetRef") or {}).get("name") == name
                    and (h["spec"].get("minReplicas") or 1) >= 2
                    for h in by_kind("HorizontalPodAutoscaler")),
                f"{d}: no HorizontalPodAutoscaler with minReplicas >= 2 scales {name}")
        spread = dep["spec"]["template"]["spec"].get("topologySpreadConstraints") or []
        c.check(any(t.get("topologyKey") == "kubernetes.io/hostname" for t in spread),
                f"{d}: {name} does not spread its pods over nodes")


def exported_metrics(source):
    """The series names the binary exports, as Prometheus sees them: counters get
    `_total`, histograms `_bucket`/`_sum`/`_count`, and a unit of seconds `_seconds`."""
    names = set()
    for kind, name, rest in re.findall(r'\.(\w+)\("(tandem_\w+)"\)(.*?)\.build\(\)', source, re.S):
        base = name + ("_seconds" if '.with_unit("s")' in rest else "")
        if kind.endswith("_counter"):
            names.add(base + "_total")
        elif kind.endswith("_histogram"):
            names |= {base + "_bucket", base + "_sum", base + "_count"}
        else:
            names.add(base)
    return names


def check_monitoring(c, root, targets):
    """The PodMonitor scrapes every target's metrics port; the dashboard queries only
    series the binary exports, and every kind of metric it exports has a panel."""
    d = root / "monitoring"
    try:
        monitor = yaml.safe_load((d / "podmonitor.yaml").read_text())
        dashboard = json.loads((d / "grafana-dashboard.json").read_text())
        exported = exported_metrics(METRICS_RS.read_text())
    except (OSError, ValueError, yaml.YAMLError) as e:
        c.fail(f"monitoring: cannot read the PodMonitor, the dashboard or {METRICS_RS}: {e}")
        return
    c.check(len(exported) >= 10, f"{METRICS_RS}: found only {sorted(exported)}")
    spec = monitor.get("spec", {})
    selected = set()
    for expr in spec.get("selector", {}).get("matchExpressions", []):
        if expr.get("key") == "app.kubernetes.io/name" and expr.get("operator") == "In":
            selected |= set(expr.get("values", []))
    c.check(selected == set(targets), f"monitoring/podmonitor.yaml selects {sorted(selected)}, not every target")
    ports = [e.get("port") for e in spec.get("podMetricsEndpoints", [])]
    c.check(ports == ["metrics"], f"monitoring/podmonitor.yaml scrapes ports {ports}, not metrics")
    queried = set()
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []):
            queried |= set(re.findall(r"tandem_\w+", target.get("expr", "")))
    for name in sorted(queried - exported):
        c.fail(f"monitoring/grafana-dashboard.json queries {name}, which the binary does not export")
    families = {re.sub(r"(_seconds)?(_total|_bucket|_sum|_count)?$", "", n) for n in exported}
    shown = {re.sub(r"(_seconds)?(_total|_bucket|_sum|_count)?$", "", n) for n in queried}
    for name in sorted(families - shown):
        c.fail(f"monitoring/grafana-dashboard.json has no panel for {name}")


def check_render(c, root):
    """Renders base and each overlay with kubectl/kustomize when one is installed."""
    if shutil.which("kustomize"):
        tool = ["kustomize", "build"]
    elif shutil.which("kubectl"):
        tool = ["kubectl", "kustomize"]
    else:
        print("k8s: kubectl/kustomize not on PATH; rendering not checked")
        return
    dirs = [root / "base"] + sorted(p.parent for p in root.glob("overlays/*/kustomization.yaml"))
    for d in dirs:
        try:
            out = subprocess.run(tool + [str(d)], capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            c.fail(f"{d}: {' '.join(tool)} failed: {e}")
            continue
        if not c.check(out.returncode == 0, f"{d}: {' '.join(tool)} failed: {out.stderr.strip()}"):
            continue
        docs = [x for x in yaml.safe_load_all(out.stdout) if x]
        if d.parent.name == "overlays":
            check_overlay(c, d, docs)
        for doc in docs:
            meta = doc.get("metadata", {})
            if doc.get("kind") != "Namespace":
                c.check(meta.get("namespace") == NAMESPACE,
                        f"{d}: rendered {doc.get('kind')}/{meta.get('name')} is not in namespace {NAMESPACE}")
            c.check(doc.get("kind") != "Secret", f"{d}: renders a Secret; database URLs belong to operators")


def main():
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    c = Checker()
    try:
        targets = read_targets(TARGET_RS)
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"k8s/check.py: cannot read targets, ports and peers from {TARGET_RS}: {e}")
    c.check(sorted(targets) == sorted(EXPECTED_TARGETS),
            f"src/target.rs targets {sorted(targets)} differ from {sorted(EXPECTED_TARGETS)}; update check.py")

    docs = load_docs(c, root, ["base", "components"])
    objs = {}
    policies = []
    secret_keys = set()
    for path, doc in docs:
        if not c.check(isinstance(doc, dict) and doc.get("kind"), f"{path}: a document without kind"):
            continue
        kind = doc["kind"]
        if kind in ("Kustomization", "Component"):
            continue
        name = (doc.get("metadata") or {}).get("name")
        if kind == "NetworkPolicy":
            policies.append(doc)
        if kind == "Secret" and name == DB_SECRET:
            secret_keys |= set(doc.get("stringData") or {}) | set(doc.get("data") or {})
        c.check((kind, name) not in objs, f"{path}: {kind}/{name} defined twice")
        objs[(kind, name)] = doc
    c.check(("Namespace", NAMESPACE) in objs, f"base: no Namespace {NAMESPACE}")
    c.check(secret_keys, f"base/db-secret.example.yaml: no example Secret {DB_SECRET}")
    # The README's command that creates the Secret sets every key a Deployment reads.
    readme = (root / "README.md").read_text() if (root / "README.md").exists() else ""
    for key in sorted(secret_keys):
        c.check(f"--from-literal={key}=" in readme,
                f"k8s/README.md: the `create secret generic {DB_SECRET}` command lacks {key}")

    for name, spec in targets.items():
        check_target(c, name, spec, targets, objs, secret_keys)

    pod_labels = {
        t: objs[("Deployment", t)]["spec"]["template"]["metadata"].get("labels", {})
        for t in targets if ("Deployment", t) in objs
    }
    check_network_policies(c, targets, policies, pod_labels)
    check_certificates(c, targets, objs)
    check_kustomizations(c, root)
    check_monitoring(c, root, targets)
    check_render(c, root)

    for f in c.failures:
        print(f"FAIL: {f}")
    if c.failures:
        print(f"k8s: {c.passed} checks passed, {len(c.failures)} failed")
        sys.exit(1)
    print(f"k8s: {c.passed} checks passed")


if __name__ == "__main__":
    main()
