#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
"""check-manifests.py FILE.yaml...: validate stockade's Kubernetes manifests.

Parses every YAML document and checks what the agent needs of its DaemonSet
and ConfigMap (docs/deploy.md). Prints one line per problem and exits 1 if
there is any; without a cluster, this is what can be known about them.
"""
import json
import os
import sys

import yaml

POLICY_DIR = "/etc/stockade/policy.d"
EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "policy.d")

problems = []


def problem(where, msg):
    problems.append(f"{where}: {msg}")


def get(obj, path, default=None):
    for key in path.split("."):
        if not isinstance(obj, dict) or key not in obj:
            return default
        obj = obj[key]
    return obj


def check_common(where, doc):
    for field in ("apiVersion", "kind", "metadata"):
        if field not in doc:
            problem(where, f"no {field}")
    if not get(doc, "metadata.name"):
        problem(where, "no metadata.name")


def check_daemonset(where, ds, configmaps):
    if ds.get("apiVersion") != "apps/v1":
        problem(where, f"apiVersion is {ds.get('apiVersion')!r}, not 'apps/v1'")
    selector = get(ds, "spec.selector.matchLabels") or {}
    labels = get(ds, "spec.template.metadata.labels") or {}
    if not selector:
        problem(where, "spec.selector.matchLabels is empty")
    for k, v in selector.items():
        if labels.get(k) != v:
            problem(where, f"selector {k}={v} does not match the template's labels")
    pod = get(ds, "spec.template.spec") or {}
    if pod.get("hostPID") is not True:
        problem(where, "hostPID is not true: event pids would not match the node's /proc")
    if not any(t.get("operator") == "Exists" and "key" not in t
               for t in pod.get("tolerations") or []):
        problem(where, "does not tolerate every taint: some nodes would run unprotected")

    volumes = {v.get("name"): v for v in pod.get("volumes") or []}
    containers = pod.get("containers") or []
    if not containers:
        problem(where, "no containers")
    for c in containers:
        cw = f"{where}: container {c.get('name')!r}"
        if not c.get("image"):
            problem(cw, "no image")
        for m in c.get("volumeMounts") or []:
            if m.get("name") not in volumes:
                problem(cw, f"mounts volume {m.get('name')!r}, which the pod does not define")
    used = {m.get("name") for c in containers for m in c.get("volumeMounts") or []}
    for name in volumes:
        if name not in used:
            problem(where, f"volume {name!r} is mounted by no container")

    agents = [c for c in containers if "run" in (c.get("args") or c.get("command") or [])]
    if len(agents) != 1:
        problem(where, "exactly one container must run the agent ('run' in its args)")
        return
    agent = agents[0]
    aw = f"{where}: container {agent.get('name')!r}"
    sc = agent.get("securityContext") or {}
    caps = set(get(sc, "capabilities.add") or [])
    needed = {"BPF", "PERFMON", "SYS_ADMIN", "NET_ADMIN", "DAC_READ_SEARCH", "SYS_PTRACE",
              "SETUID", "SETGID", "SETPCAP", "SYS_CHROOT"}
    if sc.get("privileged") is not True and not needed <= caps:
        problem(aw, f"neither privileged nor given {sorted(needed - caps)}")
    args = agent.get("args") or []
    if "--policy" not in args or args[args.index("--policy") + 1:][:1] != [POLICY_DIR]:
        problem(aw, f"does not run --policy {POLICY_DIR}")
    mounts = {m.get("mountPath"): m for m in agent.get("volumeMounts") or []}

    host = mounts.get("/host")
    if not host or get(volumes.get(host.get("name"), {}), "hostPath.path") != "/":
        problem(aw, "the node's root is not mounted at /host (rule paths must name node files)")
    elif host.get("mountPropagation") != "HostToContainer":
        problem(aw, "/host must use mountPropagation HostToContainer (later node mounts)")
    env = {e.get("name"): e.get("value") for e in agent.get("env") or []}
    if env.get("HOST_ROOT") != "/host":
        problem(aw, "HOST_ROOT is not /host: the entrypoint would not use the node's tree")

    pol = mounts.get(POLICY_DIR)
    cm = get(volumes.get(pol.get("name"), {}) if pol else {}, "configMap.name")
    if not cm:
        problem(aw, f"no ConfigMap mounted at {POLICY_DIR}")
    elif cm not in configmaps:
        problem(aw, f"ConfigMap {cm!r} is not defined in these files")

    tails = [c for c in containers if c is not agent]
    log_ok = False
    for c in tails:
        cmd = " ".join(c.get("command") or [])
        for m in c.get("volumeMounts") or []:
            vol = volumes.get(m.get("name"), {})
            if (get(vol, "hostPath.path") == "/var/log/stockade" and "tail" in cmd and
                    "-F" in cmd and m.get("mountPath") + "/audit.log" in cmd):
                log_ok = True
    if not log_ok:
        problem(where, "no container follows /var/log/stockade/audit.log (hostPath) on stdout")
    if "--audit-log" in args and args[args.index("--audit-log") + 1:][:1] != [
            "/var/log/stockade/audit.log"]:
        problem(aw, "the audit log is not the node's /var/log/stockade/audit.log")


def check_configmap(where, cm):
    data = cm.get("data") or {}
    if not data:
        problem(where, "no data")
    for key, text in data.items():
        if not key.endswith(".json"):
            problem(where, f"key {key!r}: the agent loads only *.json files")
            continue
        try:
            doc = json.loads(text)
        except ValueError as e:
            problem(where, f"key {key!r} is not JSON: {e}")
            continue
        if doc.get("stockade") != 1 or not doc.get("name"):
            problem(where, f"key {key!r} is not a stockade policy")
        shipped = os.path.join(EXAMPLES, key)
        if os.path.exists(shipped):
            with open(shipped) as f:
                if json.load(f) != doc:
                    problem(where, f"key {key!r} differs from packaging/policy.d/{key}")


def main(files):
    docs = []
    for path in files:
        try:
            with open(path) as f:
                for i, doc in enumerate(yaml.safe_load_all(f)):
                    if doc is None:
                        continue
                    if not isinstance(doc, dict):
                        problem(f"{path}#{i}", "not a mapping")
                        continue
                    docs.append((f"{path}#{i} {doc.get('kind')}/{get(doc, 'metadata.name')}",
                                 doc))
        except (OSError, yaml.YAMLError) as e:
            problem(path, str(e))
    configmaps = {get(d, "metadata.name") for _, d in docs if d.get("kind") == "ConfigMap"}
    n_ds = 0
    for where, doc in docs:
        check_common(where, doc)
        if doc.get("kind") == "DaemonSet":
            n_ds += 1
            check_daemonset(where, doc, configmaps)
        elif doc.get("kind") == "ConfigMap":
            check_configmap(where, doc)
    if n_ds != 1:
        problem(" ".join(files), f"{n_ds} DaemonSets, expected 1")
    for p in problems:
        print(p)
    print(f"{len(docs)} documents, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
