"""Checks deploy/ (run through `bash deploy/check`, which provides the venv with kubernetes-validate and PyYAML).

1. Every manifest of deploy/k8s validates, strictly (unknown fields refused), against the Kubernetes schemas that
   PyPI's kubernetes-validate carries (offline), for the oldest and newest Kubernetes versions in KUBERNETES_VERSIONS;
   the validator itself must refuse two broken manifests first, so missing schemas cannot pass everything.
2. The manifests agree with each other and with the image: kustomization.yaml lists every manifest; no Secret and no
   secret value is committed; the Deployment's probes, grace period, volumes, ports and flags fit what `lodestar
   serve` and deploy/Dockerfile do; Service, PodDisruptionBudget and HorizontalPodAutoscaler point at the Deployment.
3. deploy/k8s/jobs-configmap.yaml holds exactly jobs/*.yaml (byte for byte, as generated): `--write` regenerates it.
4. deploy/Dockerfile runs deploy/build.sh (the script CI runs), as a non-root user, with a HEALTHCHECK on /healthz.
5. deploy/build.sh stages the resource bundle of every target of Package.swift with `resources:` (RESOURCE_TARGETS),
   and no other.

Exit status 0 when all holds, 1 with every problem listed otherwise.
"""

import argparse
import glob
import os
import re
import sys

import kubernetes_validate
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
K8S = os.path.join(ROOT, "deploy", "k8s")
DOCKERFILE = os.path.join(ROOT, "deploy", "Dockerfile")
JOBS_CONFIGMAP = os.path.join(K8S, "jobs-configmap.yaml")
# The oldest version the manifests need (the preStop `sleep` action is on by default from 1.30) and the newest
# schemas of the pinned kubernetes-validate.
KUBERNETES_VERSIONS = ["1.30.0", kubernetes_validate.utils.latest_version()]
# Environment variables whose values are secrets: they may come from a Secret only.
SECRET_ENV = {"MONGODB_URI", "LODESTAR_JWKS_URL", "GCS_ACCESS_TOKEN"}
# Development-only settings a production manifest must not set.
FORBIDDEN_ENV = {"LODESTAR_JWT_SECRET", "LODESTAR_ALLOW_DEV_TOKENS", "GOOGLE_APPLICATION_CREDENTIALS",
                 "STORAGE_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST"}

problems = []


def problem(message):
    problems.append(message)


def rel(path):
    return os.path.relpath(path, ROOT)


# --- the jobs ConfigMap -------------------------------------------------------------------------------------------

def job_files():
    paths = sorted(glob.glob(os.path.join(ROOT, "jobs", "*.yaml")) + glob.glob(os.path.join(ROOT, "jobs", "*.yml")))
    files = {}
    for p in paths:
        with open(p, encoding="utf-8", newline="") as f:
            files[os.path.basename(p)] = f.read()
    return files


def jobs_configmap_text(files):
    """The ConfigMap of jobs/, each file a YAML block literal holding its exact text."""
    out = [
        "# Generated from jobs/*.yaml by `bash deploy/check --write`: do not edit (deploy/check fails when it differs).",
        "# Mounted at /app/jobs (serve --jobs-dir) by deployment.yaml, so every replica runs the same job files.",
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: lodestar-jobs",
        "  labels:",
        "    app.kubernetes.io/name: lodestar",
        "data:",
    ]
    for name, text in files.items():
        if not re.fullmatch(r"[-._a-zA-Z0-9]+", name):
            problem(f"jobs/{name}: not a valid ConfigMap key (letters, digits, '-', '_', '.')")
            continue
        chomp = "+" if text.endswith("\n\n") else ("" if text.endswith("\n") else "-")
        indent = "2" if text[:1] in (" ", "\t") else ""   # an explicit indentation when the text starts indented
        out.append(f"  {name}: |{indent}{chomp}")
        out.extend(("    " + line) if line else "" for line in text.split("\n")[: -1 if text.endswith("\n") else None])
    text = "\n".join(out) + "\n"
    if yaml.safe_load(text).get("data") != (files or None):
        raise SystemExit("deploy/check: the generated jobs ConfigMap does not read back as jobs/ (a generator bug)")
    return text


def check_jobs_configmap(write):
    files = job_files()
    if not files:
        problem("jobs/ holds no job file")
    wanted = jobs_configmap_text(files)
    if write:
        with open(JOBS_CONFIGMAP, "w", encoding="utf-8") as f:
            f.write(wanted)
        print(f"deploy/check: wrote {rel(JOBS_CONFIGMAP)} from {len(files)} job file(s)")
        return
    try:
        with open(JOBS_CONFIGMAP, encoding="utf-8", newline="") as f:
            committed = f.read()
    except FileNotFoundError:
        problem(f"{rel(JOBS_CONFIGMAP)} is missing: run `bash deploy/check --write`")
        return
    if committed != wanted:
        data = (yaml.safe_load(committed) or {}).get("data") or {}
        differ = sorted(set(data) ^ set(files)) + sorted(n for n in set(data) & set(files) if data[n] != files[n])
        problem(f"{rel(JOBS_CONFIGMAP)} differs from jobs/ ({', '.join(differ) or 'formatting'}): "
                "run `bash deploy/check --write` and commit it")


# --- schema validation --------------------------------------------------------------------------------------------

def validation_errors(doc):
    errors = []
    for version in KUBERNETES_VERSIONS:
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            where = "/".join(str(p) for p in e.path) or "(top)"
            errors.append(f"Kubernetes {version}: {where}: {e.message}")
        except kubernetes_validate.SchemaNotFoundError as e:
            errors.append(e.message)
        except Exception as e:  # noqa: BLE001 (anything else the validator raises is a failure too)
            errors.append(f"Kubernetes {version}: {type(e).__name__}: {e}")
    return errors


def check_validator_refuses_broken_manifests():
    broken = [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
         "spec": {"replicas": "three", "selector": {"matchLabels": {"a": "b"}},
                  "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c"}]}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {"portz": []}},
    ]
    for doc in broken:
        if not validation_errors(doc):
            problem(f"kubernetes-validate accepted a broken {doc['kind']}: its schemas are missing or not applied")


def load_manifests():
    manifests = {}   # file name -> [documents]
    for path in sorted(glob.glob(os.path.join(K8S, "*.yaml")) + glob.glob(os.path.join(K8S, "*.yml"))):
        name = os.path.basename(path)
        if name == "kustomization.yaml":
            continue
        try:
            with open(path, encoding="utf-8") as f:
                docs = [d for d in yaml.safe_load_all(f) if d is not None]
        except yaml.YAMLError as e:
            problem(f"deploy/k8s/{name}: not YAML: {e}")
            continue
        if not docs:
            problem(f"deploy/k8s/{name}: holds no manifest")
        for doc in docs:
            if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
                problem(f"deploy/k8s/{name}: a document without apiVersion and kind")
                continue
            label = f"deploy/k8s/{name}: {doc['kind']}/{(doc.get('metadata') or {}).get('name', '?')}"
            for e in validation_errors(doc):
                problem(f"{label}: {e}")
        manifests[name] = [d for d in docs if isinstance(d, dict)]
    return manifests


# --- consistency --------------------------------------------------------------------------------------------------

def one(manifests, kind, name=None):
    found = [d for docs in manifests.values() for d in docs
             if d.get("kind") == kind and (name is None or d.get("metadata", {}).get("name") == name)]
    if len(found) != 1:
        problem(f"deploy/k8s: expected one {kind}{' ' + name if name else ''}, found {len(found)}")
        return None
    return found[0]


def check_kustomization(manifests):
    try:
        with open(os.path.join(K8S, "kustomization.yaml"), encoding="utf-8") as f:
            k = yaml.safe_load(f) or {}
    except FileNotFoundError:
        problem("deploy/k8s/kustomization.yaml is missing")
        return
    listed = set(k.get("resources") or [])
    for missing in sorted(set(manifests) - listed):
        problem(f"deploy/k8s/kustomization.yaml: resources does not list {missing}")
    for extra in sorted(listed - set(manifests)):
        problem(f"deploy/k8s/kustomization.yaml: resources lists {extra}, which is not in deploy/k8s")


def flag(args, name):
    if name in args and args.index(name) + 1 < len(args):
        return args[args.index(name) + 1]
    return None


def quantity_bytes(text):
    """A Kubernetes quantity (e.g. 8Gi, 500M) in bytes; None when absent or not understood."""
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?", str(text or ""))
    if not m:
        return None
    scale = {None: 1, "Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40,
             "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}[m.group(2)]
    return int(m.group(1)) * scale


def probe_path(container, probe):
    return ((container.get(probe) or {}).get("httpGet") or {}).get("path")


def check_deployment(manifests, dockerfile):
    for docs in manifests.values():
        for d in docs:
            if d.get("kind") == "Secret":
                problem(f"deploy/k8s: Secret/{d['metadata'].get('name')} is committed; secrets are created in the "
                        "cluster (docs/deploying.md), never stored here")
    dep = one(manifests, "Deployment", "lodestar")
    if dep is None:
        return
    spec = dep["spec"]
    pod = spec["template"]["spec"]
    pod_labels = spec["template"]["metadata"].get("labels") or {}
    if spec["selector"].get("matchLabels", {}).items() - pod_labels.items():
        problem("Deployment: selector does not match the pod template's labels")
    containers = [c for c in pod.get("containers", []) if c.get("name") == "lodestar"]
    if len(containers) != 1:
        problem("Deployment: no container named lodestar")
        return
    c = containers[0]
    args = [str(a) for a in c.get("args") or []]
    if args[:1] != ["serve"]:
        problem(f"Deployment: the container runs {args[:1]}, not `lodestar serve`")
    if flag(args, "--host") != "0.0.0.0":
        problem("Deployment: serve must listen on --host 0.0.0.0 (the default 127.0.0.1 is unreachable for probes)")
    env = {e["name"]: e for e in c.get("env") or []}
    settings_refs = [ef["configMapRef"]["name"] for ef in c.get("envFrom") or [] if "configMapRef" in ef]
    settings = {}
    for ref in settings_refs:
        cm = one(manifests, "ConfigMap", ref)
        settings.update((cm or {}).get("data") or {})
    for name in sorted(SECRET_ENV):
        if name in settings:
            problem(f"ConfigMap sets {name}: secret values come from the Secret `lodestar` only")
        if name in env and "secretKeyRef" not in (env[name].get("valueFrom") or {}):
            problem(f"Deployment: {name} must come from a secretKeyRef, not a literal value")
    for name in ("MONGODB_URI", "LODESTAR_JWKS_URL"):
        if name not in env:
            problem(f"Deployment: {name} is not set (a secretKeyRef to the Secret `lodestar`)")
    for name in sorted(FORBIDDEN_ENV & (set(env) | set(settings))):
        problem(f"Deployment: {name} is a development setting; production manifests must not set it")
    if "LODESTAR_JWKS_URL" in env:
        for name in ("LODESTAR_JWT_ISSUER", "LODESTAR_JWT_AUDIENCE"):
            if not (settings.get(name) or (env.get(name) or {}).get("value")):
                problem(f"Deployment: {name} is required beside LODESTAR_JWKS_URL (serve refuses to start without)")
    artifacts = settings.get("LODESTAR_ARTIFACTS", (env.get("LODESTAR_ARTIFACTS") or {}).get("value"))
    if not artifacts or not (artifacts == "mongodb" or artifacts.startswith("gs://")):
        problem(f"Deployment: LODESTAR_ARTIFACTS is {artifacts!r}; replicas share no disk, so it must be `mongodb` or gs://…")

    # Grace period: the drain (LODESTAR_SHUTDOWN_GRACE_SECONDS) and the preStop pause fit before SIGKILL.
    grace = (env.get("LODESTAR_SHUTDOWN_GRACE_SECONDS") or {}).get("value") or settings.get("LODESTAR_SHUTDOWN_GRACE_SECONDS") or "30"
    pre_stop = (((c.get("lifecycle") or {}).get("preStop") or {}).get("sleep") or {}).get("seconds", 0)
    termination = pod.get("terminationGracePeriodSeconds", 30)
    if not termination > int(grace) + int(pre_stop):
        problem(f"Deployment: terminationGracePeriodSeconds {termination} must exceed preStop {pre_stop} s + "
                f"LODESTAR_SHUTDOWN_GRACE_SECONDS {grace} s")

    # Probes and ports.
    if probe_path(c, "readinessProbe") != "/readyz":
        problem("Deployment: the readiness probe must be GET /readyz")
    if probe_path(c, "livenessProbe") != "/healthz":
        problem("Deployment: the liveness probe must be GET /healthz")
    ports = {p.get("name"): p["containerPort"] for p in c.get("ports") or []}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        port = ((c.get(probe) or {}).get("httpGet") or {}).get("port")
        if port is not None and port not in ports and port not in ports.values():
            problem(f"Deployment: {probe} uses port {port!r}, which the container does not declare")
    listen = int((env.get("PORT") or {}).get("value") or settings.get("PORT") or 8080)
    if ports.get("http") != listen:
        problem(f"Deployment: containerPort http is {ports.get('http')} but serve listens on PORT {listen}")

    # Security: non-root, read-only root filesystem, writable folders only as emptyDirs.
    psc, csc = pod.get("securityContext") or {}, c.get("securityContext") or {}
    if not (psc.get("runAsNonRoot") or csc.get("runAsNonRoot")):
        problem("Deployment: runAsNonRoot is not set")
    if csc.get("readOnlyRootFilesystem") is not True:
        problem("Deployment: the container's root filesystem must be read-only")
    if csc.get("allowPrivilegeEscalation") is not False:
        problem("Deployment: allowPrivilegeEscalation must be false")
    volumes = {v["name"]: v for v in pod.get("volumes") or []}
    mounts = {m["mountPath"].rstrip("/"): m for m in c.get("volumeMounts") or []}

    def volume_at(path):
        m = mounts.get((path or "").rstrip("/"))
        return volumes.get(m["name"]) if m else None

    models = flag(args, "--models-dir") or (env.get("LODESTAR_MODELS_DIR") or {}).get("value")
    if "emptyDir" not in (volume_at(models) or {}):
        problem(f"Deployment: --models-dir {models} must be the mount of an emptyDir (the per-pod artifact cache)")
    else:
        limit = quantity_bytes((volume_at(models)["emptyDir"] or {}).get("sizeLimit"))
        cache_mb = int((env.get("LODESTAR_ARTIFACT_CACHE_MB") or {}).get("value") or settings.get("LODESTAR_ARTIFACT_CACHE_MB") or 2048)
        if limit is None or limit <= cache_mb << 20:
            problem(f"Deployment: the artifact cache's emptyDir needs a sizeLimit above LODESTAR_ARTIFACT_CACHE_MB "
                    f"({cache_mb} MiB), or the kubelet evicts the pod when the cache fills")
    tmp = volume_at("/tmp")
    if "emptyDir" not in (tmp or {}):
        problem("Deployment: /tmp must be an emptyDir (the root filesystem is read-only)")
    jobs_dir = flag(args, "--jobs-dir") or "/app/jobs"
    jobs_volume = volume_at(jobs_dir) or {}
    if (jobs_volume.get("configMap") or {}).get("name") != "lodestar-jobs":
        problem(f"Deployment: --jobs-dir {jobs_dir} must be the mount of the ConfigMap lodestar-jobs")
    one(manifests, "ConfigMap", "lodestar-jobs")

    # The service account, annotated for Workload Identity.
    sa_name = pod.get("serviceAccountName")
    sa = one(manifests, "ServiceAccount", sa_name) if sa_name else None
    if sa is None:
        problem("Deployment: serviceAccountName must name the ServiceAccount of deploy/k8s")
    elif "iam.gke.io/gcp-service-account" not in (sa["metadata"].get("annotations") or {}):
        problem(f"ServiceAccount/{sa_name}: no iam.gke.io/gcp-service-account annotation (Workload Identity)")

    # Service, PodDisruptionBudget, HorizontalPodAutoscaler point at these pods.
    svc = one(manifests, "Service")
    if svc:
        if (svc["spec"].get("selector") or {}).items() - pod_labels.items() or not svc["spec"].get("selector"):
            problem("Service: its selector does not match the Deployment's pods")
        for p in svc["spec"].get("ports") or []:
            target = p.get("targetPort")
            if target not in ports and target not in ports.values():
                problem(f"Service: targetPort {target!r} is not a port of the container")
    pdb = one(manifests, "PodDisruptionBudget")
    if pdb and (pdb["spec"].get("selector", {}).get("matchLabels") or {}).items() - pod_labels.items():
        problem("PodDisruptionBudget: its selector does not match the Deployment's pods")
    hpa = one(manifests, "HorizontalPodAutoscaler")
    if hpa:
        ref = hpa["spec"].get("scaleTargetRef") or {}
        if (ref.get("kind"), ref.get("name")) != ("Deployment", dep["metadata"]["name"]):
            problem("HorizontalPodAutoscaler: scaleTargetRef is not the Deployment lodestar")
        if hpa["spec"].get("minReplicas", 1) < 2:
            problem("HorizontalPodAutoscaler: minReplicas below 2 leaves no replica during a disruption")

    # The image and the manifests agree.
    user = re.search(r"^USER\s+(\d+)", dockerfile, re.M)
    run_as = psc.get("runAsUser", csc.get("runAsUser"))
    if user and run_as is not None and int(user.group(1)) != int(run_as):
        problem(f"Deployment: runAsUser {run_as} differs from the Dockerfile's USER {user.group(1)}")
    expose = re.search(r"^EXPOSE\s+(\d+)", dockerfile, re.M)
    if expose and int(expose.group(1)) != listen:
        problem(f"Deployment: serve listens on {listen}, the Dockerfile EXPOSEs {expose.group(1)}")


def check_dockerfile(dockerfile):
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile, re.M | re.I)
    if len(stages) < 2:
        problem("deploy/Dockerfile: expected a multi-stage build (a Swift build stage and a runtime stage)")
    args = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", dockerfile, re.M))
    images = [re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), s[0]) for s in stages]
    if images and not re.match(r"swift:6[.\d]*-bookworm", images[0]):
        problem(f"deploy/Dockerfile: the build stage is {images[0]}, not a Swift 6 Debian 12 (bookworm) image")
    if images and not re.match(r"debian:(12|bookworm)[-.\w]*slim", images[-1]):
        problem(f"deploy/Dockerfile: the runtime stage is {images[-1]}, not Debian 12 slim")
    run_lines = re.findall(r"^RUN\s+(.*)$", dockerfile, re.M)
    if not any(re.search(r"\bdeploy/build\.sh\b", r) for r in run_lines):
        problem("deploy/Dockerfile: no RUN step runs deploy/build.sh (the build steps CI runs)")
    if any(re.search(r"\bswift\s+build\b", r) for r in run_lines):
        problem("deploy/Dockerfile: runs `swift build` itself; build steps belong in deploy/build.sh")
    user = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    if not user or user[-1].split(":")[0] in ("0", "root"):
        problem("deploy/Dockerfile: the runtime stage must end with a non-root numeric USER")
    elif not user[-1].split(":")[0].isdigit():
        problem("deploy/Dockerfile: USER must be numeric, so Kubernetes' runAsNonRoot can verify it")
    health = re.search(r"^HEALTHCHECK\s+.*CMD\s+(.*)$", dockerfile, re.M)
    if not health:
        problem("deploy/Dockerfile: no HEALTHCHECK")
    elif "/app/bin/healthcheck" not in health.group(1):
        problem("deploy/Dockerfile: the HEALTHCHECK does not run /app/bin/healthcheck")
    else:
        with open(os.path.join(ROOT, "deploy", "healthcheck"), encoding="utf-8") as f:
            if "/healthz" not in f.read():
                problem("deploy/healthcheck does not request /healthz")
    with open(os.path.join(ROOT, "deploy", "build.sh"), encoding="utf-8") as f:
        if "app/bin/healthcheck" not in f.read():
            problem("deploy/build.sh does not stage the health check the Dockerfile runs")


def check_resource_bundles():
    """Package.swift's targets with resources are deploy/build.sh's RESOURCE_TARGETS (their bundles are staged)."""
    with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as f:
        package = f.read()
    with open(os.path.join(ROOT, "deploy", "build.sh"), encoding="utf-8") as f:
        build = f.read()
    # Each target's text runs from `.target(name: "X"` (or .executableTarget) to the next target of any kind.
    starts = list(re.finditer(r"\.(\w*[tT]arget|systemLibrary|plugin)\(\s*name:\s*\"([^\"]+)\"", package))
    with_resources = set()
    for i, m in enumerate(starts):
        body = package[m.end():starts[i + 1].start() if i + 1 < len(starts) else len(package)]
        if m.group(1) in ("target", "executableTarget") and re.search(r"\bresources:", body):
            with_resources.add(m.group(2))
    listed = re.search(r"^RESOURCE_TARGETS=\(([^)]*)\)", build, re.M)
    staged = set(listed.group(1).split()) if listed else set()
    if not listed:
        problem("deploy/build.sh: no RESOURCE_TARGETS=(…) line (the resource bundles it stages beside the binary)")
    for name in sorted(with_resources - staged):
        problem(f"deploy/build.sh: {name} has resources in Package.swift, but RESOURCE_TARGETS does not stage its bundle")
    for name in sorted(staged - with_resources):
        problem(f"deploy/build.sh: RESOURCE_TARGETS lists {name}, which has no resources in Package.swift")


def main():
    parser = argparse.ArgumentParser(description="Validate deploy/: manifests, jobs ConfigMap, Dockerfile.")
    parser.add_argument("--write", action="store_true", help="regenerate deploy/k8s/jobs-configmap.yaml from jobs/")
    opts = parser.parse_args()
    check_jobs_configmap(opts.write)
    check_validator_refuses_broken_manifests()
    manifests = load_manifests()
    with open(DOCKERFILE, encoding="utf-8") as f:
        dockerfile = f.read()
    check_kustomization(manifests)
    check_deployment(manifests, dockerfile)
    check_dockerfile(dockerfile)
    check_resource_bundles()
    if problems:
        print(f"deploy/check: FAILED, {len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    count = sum(len(d) for d in manifests.values())
    print(f"deploy/check: {count} manifests valid (strict) against Kubernetes "
          f"{' and '.join(v.rsplit('.', 1)[0] for v in KUBERNETES_VERSIONS)}; jobs ConfigMap equals jobs/; "
          "Dockerfile runs deploy/build.sh; build.sh stages every resource bundle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
