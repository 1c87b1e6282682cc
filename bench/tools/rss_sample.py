#!/usr/bin/env python3
"""rss_sample.py FILE (--home HOME | --pid PID): the keeper figure's memory sampler.

Appends "totalKiB maxKeeperHwmKiB nativeKeepers jvmKeepers" to FILE every 100 ms until FILE.stop
exists. With --home: total is the VmRSS of that home's daemon (its daemon.lock holds the pid) and of
every keeper of it (a process whose command line has "harness-keeper HOME " or "KeeperMain HOME "),
the keeper figure is the largest VmHWM of any one keeper (the kernel's own peak, so a peak between
two samples is not missed). With --pid: total is that process's VmRSS (supervisord), and keepers are
looked for all the same, so that both systems' runs pay the same sampler.

Why not a shell loop: the one before this forked pgrep, cat and an awk per process every 100 ms,
about a quarter of a core, and only the harness's runs paid it. This reads /proc itself and reads a
process's command line when it first appears (and the others' again once a second): about 1 % of a core.
"""
import os
import sys
import time


def status(pid):
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, hwm


def main(argv):
    if len(argv) != 4 or argv[2] not in ("--home", "--pid"):
        sys.stderr.write("usage: rss_sample.py FILE (--home HOME | --pid PID)\n")
        return 2
    out, mode, target = argv[1], argv[2], argv[3]
    needles = ([f"harness-keeper {target} ", f"KeeperMain {target} "] if mode == "--home" else ["\0never\0"])
    kinds = {}  # pid -> "native", "jvm" or None
    tick = 0
    while not os.path.exists(out + ".stop"):
        tick += 1
        if tick % 10 == 0:
            # A process read between its fork and its exec (the daemon spawning a keeper) looked like
            # something else: look at the others again once a second.
            kinds = {p: k for p, k in kinds.items() if k is not None}
        if mode == "--home":
            try:
                with open(os.path.join(target, "daemon.lock")) as f:
                    main_pid = f.read().strip()
            except OSError:
                main_pid = ""
        else:
            main_pid = target
        total = status(main_pid)[0] if main_pid.isdigit() else 0
        max_keeper = native = jvm = 0
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
        for pid in pids:
            if pid not in kinds:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
                    with open(f"/proc/{pid}/comm") as f:
                        comm = f.read().strip()
                except OSError:
                    continue
                kind = None
                if any(n in cmd for n in needles):
                    kind = "native" if comm == "harness-keeper" else "jvm"
                kinds[pid] = kind
            kind = kinds[pid]
            if kind is None:
                continue
            rss, hwm = status(pid)
            total += rss
            max_keeper = max(max_keeper, hwm)
            if kind == "native":
                native += 1
            else:
                jvm += 1
        with open(out, "a") as f:
            f.write(f"{total} {max_keeper} {native} {jvm}\n")
        time.sleep(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
