#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run the cross-built wspdk.dll in Wine, as a Windows process would.

  run_wine_loader.py --build SCRIPT --top REPO OUT

OUT is where provider/win/build.sh puts wspdk.dll (it runs SCRIPT OUT
first: a no-op once built). win_loader.c is compiled with mingw-w64 into
OUT/wine, then run under Debian's wine64 once per case: LoadLibrary,
WSPStartup twice with its own upcall table (WSPCleanup after a success),
FreeLibrary. For every case the process must survive to its last line,
each WSPStartup must return the code winsock-spi.md documents, and the
provider must get as far as EAL (its "EAL init:" log line, once per
process) exactly when the configuration is valid. The installer's
read-only modes run the same way.

Wine runs headless (no DISPLAY, WINEDEBUG=-all) in a WINEPREFIX made
under OUT for this run and removed after it, every process in a session
of its own and killed with it at its timeout; wineserver -k at the end.
Prints one line per case, then "N passed, N failed".
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

WINE = '/usr/lib/wine/wine64'               # Debian package wine64
WINESERVER = '/usr/lib/wine/wineserver64'
CC = os.environ.get('MINGW_CC', 'x86_64-w64-mingw32-gcc-win32')
TOOLS = [WINE, WINESERVER, 'x86_64-w64-mingw32-gcc']
CASE_TIMEOUT = 60       # seconds; a case takes about one
PREFIX_TIMEOUT = 180    # creating the prefix takes about 10

# winsock-spi.md 1.5 and Appendix A.
WSASYSNOTREADY = 10091
WSAVERNOTSUPPORTED = 10092
WSAEFAULT = 10014

EAL_LINE = re.compile(r'^wspdk: EAL init:(.*)$', re.M)


def case(name, env=None, want=WSASYSNOTREADY, eal=True, mode='ok',
         must=(), mustnot=()):
    """One run of win_loader.exe: env for the provider, the WSPStartup
    code both calls return, whether the first reaches EAL, and log
    patterns that must (not) appear."""
    return dict(name=name, env=env or {}, want=want, eal=eal, mode=mode,
                must=list(must), mustnot=list(mustnot))


def bad_key(key, value, why=None):
    """An invalid value: refused before EAL, the log line names it."""
    return case(f'{key}={value}', {key: value}, eal=False,
                must=[r'wspdk: configuration: .*' + re.escape(why or key)])


# Wine 8 cannot give EAL what it needs (the large-page privilege; with
# --no-huge, the memory reservation), so a valid configuration ends in
# EAL failing cleanly: WSASYSNOTREADY, the process goes on.
CASES = [
    case('default configuration'),
    case('WSPDK_DEVICE=loop', {'WSPDK_DEVICE': 'loop'}),
    case('--no-huge', {'WSPDK_DEVICE': 'loop',
                       'WSPDK_EAL_ARGS': '--no-huge'},
         mustnot=[r'EAL init:.*--in-memory']),
    case('--no-huge -m 128', {'WSPDK_DEVICE': 'loop',
                              'WSPDK_EAL_ARGS': '--no-huge -m 128'}),
    case('EAL options Windows has', {
        'WSPDK_DEVICE': 'loop',
        'WSPDK_EAL_ARGS': '--no-hpet --no-telemetry --no-shconf '
                          '--log-level=eal:debug -n 4 --iova-mode=va'}),
    case('WSPDK_LCORES=0', {'WSPDK_DEVICE': 'loop', 'WSPDK_LCORES': '0'}),
    # EAL fails after parsing with rte_errno EINVAL (no virt2phys driver
    # for PA): the second WSPStartup must not run EAL again.
    case('--no-huge --iova-mode=pa', {
        'WSPDK_DEVICE': 'loop',
        'WSPDK_EAL_ARGS': '--no-huge --iova-mode=pa'}),
    # WSPDK_EAL_ARGS: whatever Windows' EAL would exit(1) on.
    bad_key('WSPDK_EAL_ARGS', '--bogus', 'not one the provider accepts'),
    bad_key('WSPDK_EAL_ARGS', '--file-prefix=wspdkx',
            'does not exist on this OS'),
    bad_key('WSPDK_EAL_ARGS', '--iova-mode=dc', '--iova-mode=dc'),
    bad_key('WSPDK_EAL_ARGS', '--log-level=help', '--log-level=help'),
    bad_key('WSPDK_EAL_ARGS', '--log-level=wspdk.*,debug',
            '--log-level=wspdk.*,debug'),
    bad_key('WSPDK_EAL_ARGS', '--no-huge=1', '--no-huge=1'),
    bad_key('WSPDK_EAL_ARGS', '-m 64', '-m'),
    bad_key('WSPDK_EAL_ARGS', '--in-memory', '--in-memory'),
    bad_key('WSPDK_EAL_ARGS', '--help', '--help'),
    # Every other key, one bad value each.
    bad_key('WSPDK_DEVICE', 'bogus'),
    bad_key('WSPDK_DEVICE', 'net_ta-p0'),
    bad_key('WSPDK_IPV4', '300.1.2.3/24'),
    bad_key('WSPDK_GATEWAY', '1.2.3'),
    bad_key('WSPDK_STATIC_ARP', '198.18.0.1=zz'),
    bad_key('WSPDK_LCORES', '999'),
    bad_key('WSPDK_LCORES', 'x'),
    bad_key('WSPDK_MBUFS', '5'),
    bad_key('WSPDK_RXD', '1'),
    bad_key('WSPDK_TXD', '70000'),
    bad_key('WSPDK_MTU', '100'),
    bad_key('WSPDK_SPIN_US', 'soon'),
    bad_key('WSPDK_PROFILE', 'fast'),
    bad_key('WSPDK_CLEANUP_MS', '-1'),
    bad_key('WSPDK_ARP_QLEN', '0'),
    bad_key('WSPDK_ARP_REACHABLE_MS', '1'),
    bad_key('WSPDK_LOG_LEVEL', 'loud'),
    bad_key('WSPDK_BOGUS', '1', 'unknown key "WSPDK_BOGUS"'),
    bad_key('WSPDK_CONFIG', r'C:\no\such\file', 'WSPDK_CONFIG'),
    # Refused before configuration is read.
    case('SPI version 1.1', mode='v11', want=WSAVERNOTSUPPORTED, eal=False),
    case('lpWSPData NULL', mode='nulldata', want=WSAEFAULT, eal=False),
    # The DLL loaded and unloaded, WSPStartup never called.
    case('load and unload only', mode='none', want=None, eal=False),
]


def winpath(path):
    """Wine's Z: drive is the Unix root."""
    return 'Z:' + os.path.abspath(path).replace('/', '\\')


def base_env(prefix):
    env = {k: os.environ[k] for k in ('PATH', 'HOME', 'TMPDIR')
           if k in os.environ}
    env.update(WINEPREFIX=prefix, WINEDEBUG='-all', LANG='C',
               # No Mono or Gecko: nothing here needs them.
               WINEDLLOVERRIDES='mscoree,mshtml=')
    return env


def run(argv, env, timeout):
    """(returncode or None on timeout, output) of argv in a session of
    its own, killed with everything it started at the timeout. Output
    goes through a file, not a pipe: Wine's own processes (services,
    wineserver) inherit it and outlive the program."""
    with tempfile.TemporaryFile(mode='w+', errors='replace') as f:
        p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                             stdout=f, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            rc = None
        f.seek(0)
        return rc, f.read()


def judge(c, rc, out):
    """The list of what went wrong in case c."""
    bad = []
    if rc is None:
        return [f'no end within {CASE_TIMEOUT} s']
    if rc != 0 or 'loader: survived' not in out:
        bad.append(f'the process did not survive (exit status {rc})')
    if not re.search(r'^loader: freelibrary = [1-9]', out, re.M):
        bad.append('FreeLibrary did not return TRUE')
    # The DLL pins itself before EAL starts threads in it, and only then.
    loaded = re.search(r'^loader: still loaded = (\d)', out, re.M)
    if loaded is None or int(loaded.group(1)) != int(c['eal']):
        bad.append('the DLL ' + ('was unloaded after EAL ran' if c['eal']
                                 else 'stayed loaded after FreeLibrary'))
    codes = [int(x) for x in re.findall(r'^loader: startup \d+ = (-?\d+)',
                                        out, re.M)]
    if c['want'] is not None and codes != [c['want']] * 2:
        bad.append(f'WSPStartup returned {codes}, want {c["want"]} twice')
    eal = len(EAL_LINE.findall(out))
    if c['eal'] and eal != 1:
        bad.append(f'reached EAL {eal} times, want once')
    if not c['eal'] and eal != 0:
        bad.append('reached EAL with a configuration it should refuse')
    for pat in c['must']:
        if not re.search(pat, out, re.M):
            bad.append(f'no line matches /{pat}/')
    for pat in c['mustnot']:
        if re.search(pat, out, re.M):
            bad.append(f'a line matches /{pat}/')
    if 'upcall ' in out:
        bad.append('WSPStartup called an upcall')
    return bad


def summary(c, out):
    """What the case returned, in a few words, for the report."""
    codes = re.findall(r'^loader: startup \d+ = (-?\d+)', out, re.M)
    why = re.search(r'^wspdk: (configuration: .*|EAL arguments: .*)$',
                    out, re.M)
    eal = re.search(r'^EAL: FATAL: (.*)$', out, re.M)
    parts = ['WSPStartup ' + ('/'.join(codes) or '-')]
    if EAL_LINE.search(out):
        parts.append('EAL reached' + (f' ({eal.group(1)})' if eal else ''))
    if why:
        parts.append(why.group(1))
    return '; '.join(parts)


def run_cases(env, loader, dll, verbose):
    failed = 0
    for c in CASES:
        e = dict(env)
        e.update(c['env'])
        t0 = time.monotonic()
        n = '0' if c['mode'] == 'none' else '2'
        rc, out = run([WINE, loader, winpath(dll), n, c['mode']], e,
                      CASE_TIMEOUT)
        bad = judge(c, rc, out)
        dt = time.monotonic() - t0
        print(f'{"FAIL" if bad else "ok  "} {c["name"]} ({dt:.1f} s): '
              f'{summary(c, out)}')
        for b in bad:
            print(f'     {b}')
        if bad or verbose:
            print('     --- output:')
            for line in out.splitlines()[-40:]:
                print(f'     | {line}')
        failed += bool(bad)
    return len(CASES) - failed, failed


def run_steps(env, exe, steps, verbose):
    """wspdk-install once per (arguments, exit status, pattern its
    output must match); (passed, failed)."""
    failed = 0
    for args, want, pat in steps:
        rc, out = run([WINE, exe] + args, env, CASE_TIMEOUT)
        out = out.replace('\r\n', '\n')     # msvcrt's text mode
        bad = []
        if rc != want:
            bad.append(f'exit status {rc}, want {want}')
        if not re.search(pat, out, re.M):
            bad.append(f'no line matches /{pat}/')
        print(f'{"FAIL" if bad else "ok  "} wspdk-install {" ".join(args)}'
              f': exit status {rc}')
        for b in bad:
            print(f'     {b}')
        if bad or verbose:
            for line in out.splitlines()[-40:]:
                print(f'     | {line}')
        failed += bool(bad)
    return len(steps) - failed, failed


def run_installer(env, exe, verbose):
    """Read-only modes: they need no elevation and change nothing."""
    return run_steps(env, exe, [
        (['--list'], 0, r'Winsock catalog, 64-bit(.|\n)*wspdk: not installed'),
        (['--help'], 0, r'usage: wspdk-install'),
        (['--bogus'], 2, r'usage: wspdk-install'),
    ], verbose)


# wspdk-install's policy commands in a fresh prefix, in order: (arguments,
# exit status, a pattern its output must match). What they leave in the
# registry must be policy_expected.reg, exactly.
POLICY_STEPS = [
    (['--policy-list'], 0, r'^Policy: none'),
    (['--policy-default', 'deny'], 0, r'policy: default = deny\r?$'),
    (['--policy-add', r'C:\Trade\bin\trade.exe'], 0,
     r'allowed \(rule 2\)'),
    (['--policy-add', 'risk.exe'], 0, r'risk.exe allowed \(rule 3\)'),
    (['--policy-add', 'RISK.EXE'], 0, r'already allowed \(rule 3\)'),
    (['--policy-add', 'updater.exe'], 0, r'allowed \(rule 4\)'),
    (['--policy-remove', 'Updater.exe'], 0,
     r'removed 1 rule for Updater.exe'),
    (['--policy-remove', 'nothere.exe'], 1, r'no rule names nothere.exe'),
    (['--policy-default', 'maybe'], 1, r'takes allow or deny'),
    (['--policy-add', ' risk.exe'], 1, r'without blanks around it'),
    # Not installed, policy not install's: uninstall leaves it.
    (['--uninstall'], 0, r'policy: kept \(install did not create it\)'),
    (['--policy-list'], 0,
     r'\(3 rules\):\n +1  default = deny\n +2  allow C:\\Trade\\bin'
     r'\\trade.exe\n +3  allow risk.exe\n(?!Policy)'),
]


def decode_reg(text):
    """reg export's text, values decoded: REG_MULTI_SZ one string a line,
    REG_DWORD in hex, strings as they are. Comments and the header go."""
    text = re.sub(r'\\\r?\n\s*', '', text)   # continued lines
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('Windows Registry Editor'):
            continue
        m = re.fullmatch(r'("[^"]*"|@)=hex\(7\):([0-9a-f,]*)', line)
        if m:
            raw = bytes(int(b, 16) for b in m.group(2).split(',') if b)
            strings = raw.decode('utf-16-le').split('\0')
            out.append(f'{m.group(1)}=multi_sz:')
            out += [f'  {x}' for x in strings if x]
            continue
        out.append(line)
    return out


def expected_reg(path):
    with open(path, encoding='utf-8') as f:
        return [ln.rstrip('\n') for ln in f
                if ln.strip() and not ln.startswith('#')]


def run_policy(env, exe, expected, verbose):
    """The policy commands, then the registry they leave."""
    passed, failed = run_steps(env, exe, POLICY_STEPS, verbose)
    reg_file = os.path.join(env['WINEPREFIX'], 'policy.reg')
    rc, out = run([WINE, 'reg.exe', 'export', r'HKLM\SOFTWARE\wspdk',
                   winpath(reg_file), '/y'], env, CASE_TIMEOUT)
    got = []
    if rc == 0 and os.path.exists(reg_file):
        with open(reg_file, 'rb') as f:
            got = decode_reg(f.read().decode('utf-16'))
    want = expected_reg(expected)
    ok = got == want
    print(f'{"ok  " if ok else "FAIL"} registry after the policy commands '
          f'(reg export HKLM\\SOFTWARE\\wspdk, exit status {rc})')
    if not ok or verbose:
        print('     --- got:')
        for line in got:
            print(f'     | {line}')
        print('     --- want:')
        for line in want:
            print(f'     | {line}')
    return passed + ok, failed + (not ok)


def sweep_prefixes(wdir):
    """Prefixes of runs that died before removing theirs (about 700 MB
    each): ours by name, their process gone."""
    for name in os.listdir(wdir):
        m = re.fullmatch(r'prefix-(\d+)', name)
        if m is None:
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(wdir, name), ignore_errors=True)
        except PermissionError:
            pass


def need_tools(top):
    """setup.sh's need_tool: a missing one fails naming its package."""
    r = subprocess.run(['bash', '-c', '. "$1/setup.sh" && shift && '
                        'need_tool "$@"', 'need', top] + TOOLS)
    return r.returncode == 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('out', help='build.sh output directory')
    p.add_argument('--build', metavar='SCRIPT', required=True)
    p.add_argument('--top', metavar='REPO', required=True)
    p.add_argument('-v', '--verbose', action='store_true')
    a = p.parse_args()
    out = os.path.abspath(a.out)
    if not need_tools(a.top):
        print('FAIL: this test needs the tools above')
        return 1
    if subprocess.run([a.build, out]).returncode != 0:
        print(f'FAIL: {a.build} {out} failed (its output is above)')
        return 1
    wdir = os.path.join(out, 'wine')
    os.makedirs(wdir, exist_ok=True)
    loader = os.path.join(wdir, 'win_loader.exe')
    src = os.path.join(a.top, 'tests', 'provider', 'win', 'win_loader.c')
    r = subprocess.run([CC, '-O2', '-Wall', '-Wextra', '-Werror',
                        '-Wno-unused-parameter', '-o', loader, src])
    if r.returncode != 0:
        print(f'FAIL: {CC} could not build {src}')
        return 1
    sweep_prefixes(wdir)
    prefix = os.path.join(wdir, f'prefix-{os.getpid()}')
    os.makedirs(prefix)
    env = base_env(prefix)
    t0 = time.monotonic()
    try:
        # One wineserver, and Wine's services with it, for every case
        # (each case then takes well under a second); it goes at -k below,
        # or by itself a minute after its last client if this run dies.
        rc, text = run([WINESERVER, '-p60'], env, PREFIX_TIMEOUT)
        if rc == 0:
            rc, text = run([WINE, 'wineboot.exe', '--init'], env,
                           PREFIX_TIMEOUT)
        if rc != 0:
            print(f'FAIL: starting Wine: exit status {rc}\n{text}')
            return 1
        # wineboot --init can return while the new prefix is still being
        # set up: in a pristine root the first program then died at once,
        # with no output. Wait until Wine runs a program (bounded).
        for _ in range(20):
            rc, text = run([WINE, 'cmd.exe', '/c', 'echo', 'wine-ready'],
                           env, PREFIX_TIMEOUT)
            if rc == 0 and 'wine-ready' in text:
                break
            time.sleep(0.5)
        else:
            print(f'FAIL: Wine runs no program: exit status {rc}\n{text}')
            return 1
        print(f'Wine prefix made in {time.monotonic() - t0:.1f} s')
        passed, failed = run_cases(env, loader,
                                   os.path.join(out, 'wspdk.dll'),
                                   a.verbose)
        ip, ifail = run_installer(env,
                                  os.path.join(out, 'wspdk-install.exe'),
                                  a.verbose)
        passed += ip
        failed += ifail
        ip, ifail = run_policy(env,
                               os.path.join(out, 'wspdk-install.exe'),
                               os.path.join(a.top, 'tests', 'provider',
                                            'win', 'policy_expected.reg'),
                               a.verbose)
        passed += ip
        failed += ifail
    finally:
        run([WINESERVER, '-k'], env, 30)
        shutil.rmtree(prefix, ignore_errors=True)
    print(f'Wine run: {time.monotonic() - t0:.1f} s')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
