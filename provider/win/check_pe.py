#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check what a cross-built Windows binary exports and imports.

Reads `x86_64-w64-mingw32-objdump -p` (nothing runs on Windows here):

  check_pe.py dll FILE [--require-import DLL:SYMBOL ...]
      FILE is a PE32+ x86-64 DLL exporting exactly WSPStartup, importing
      only Windows' own DLLs (no libgcc, libwinpthread or DPDK DLL: wspdk.dll
      must load alone, from any directory Ws2_32 is told).
  check_pe.py exe FILE
      FILE is a PE32+ x86-64 program importing only Windows' own DLLs and
      exporting nothing.
  check_pe.py selftest DIR
      Builds, in DIR, a DLL that breaks both rules and one that keeps them,
      and checks that the checker fails the first and passes the second.

--build SCRIPT first runs `SCRIPT DIR` (provider/win/build.sh, a no-op
once built) with DIR the directory of FILE (of DIR for selftest: the
toolchain comes with the build), so a test can run alone.

Prints what it found; exits 1 with one line per violation.
"""
import argparse
import os
import re
import subprocess
import sys

OBJDUMP = os.environ.get('OBJDUMP', 'x86_64-w64-mingw32-objdump')
CC = os.environ.get('MINGW_CC', 'x86_64-w64-mingw32-gcc-win32')

# DLLs every Windows 10 / Server 2019 has in System32. Anything else
# (libgcc_s_seh-1.dll, libwinpthread-1.dll, rte_*.dll, ...) would have to
# be shipped beside wspdk.dll and found by the loader: refused.
SYSTEM_DLLS = {
    'advapi32.dll', 'bcrypt.dll', 'cfgmgr32.dll', 'comdlg32.dll',
    'crypt32.dll', 'dbghelp.dll', 'gdi32.dll', 'iphlpapi.dll',
    'kernel32.dll', 'kernelbase.dll', 'mswsock.dll', 'msvcrt.dll',
    'ntdll.dll', 'ole32.dll', 'oleaut32.dll', 'powrprof.dll', 'rpcrt4.dll',
    'secur32.dll', 'setupapi.dll', 'shell32.dll', 'ucrtbase.dll',
    'user32.dll', 'userenv.dll', 'version.dll', 'winmm.dll', 'ws2_32.dll',
}
# API sets (api-ms-win-core-synch-l1-2-0.dll for WaitOnAddress, ...) are
# resolved by the loader to system DLLs.
API_SET = re.compile(r'^(api|ext)-ms-win-[a-z0-9-]+\.dll$')


def objdump(path):
    r = subprocess.run([OBJDUMP, '-p', path], capture_output=True,
                       text=True)
    if r.returncode != 0:
        sys.exit(f'check_pe: {OBJDUMP} -p {path} failed: {r.stderr}')
    return r.stdout


def parse(text):
    """Return (format, characteristics, exports, {dll: [symbols]})."""
    fmt = re.search(r'file format (\S+)', text)
    chars = re.search(r'^Characteristics\s+0x([0-9a-f]+)', text, re.M)
    exports, imports = [], {}
    section, dll = None, None
    for line in text.splitlines():
        if line.startswith('[Ordinal/Name Pointer] Table'):
            section = 'exports'
            continue
        m = re.match(r'\s+DLL Name: (\S+)', line)
        if m:
            section, dll = 'imports', m.group(1)
            imports[dll] = []
            continue
        if not line.strip():
            if section == 'exports':
                section = None
            continue
        if section == 'exports':
            m = re.match(r'\s+\[\s*\d+\]\s+(\S+)', line)
            if m:
                exports.append(m.group(1))
        elif section == 'imports':
            m = re.match(r'\s+[0-9a-f]+\s+\d+\s+(\S+)', line)
            if m:
                imports[dll].append(m.group(1))
            elif not line.startswith('\tvma:'):
                section = None
    return (fmt.group(1) if fmt else '?',
            int(chars.group(1), 16) if chars else 0, exports, imports)


def check(kind, path, required=()):
    """Return the list of violations of path (kind: 'dll' or 'exe')."""
    fmt, chars, exports, imports = parse(objdump(path))
    bad = []
    print(f'{os.path.basename(path)}: {fmt}, characteristics {chars:#x}')
    print(f'  exports: {", ".join(exports) or "(none)"}')
    for dll, syms in sorted(imports.items(), key=lambda i: i[0].lower()):
        print(f'  imports {dll}: {len(syms)} symbols')
    if fmt != 'pei-x86-64':
        bad.append(f'not a PE32+ x86-64 image ({fmt})')
    is_dll = chars & 0x2000 != 0    # IMAGE_FILE_DLL
    if kind == 'dll' and not is_dll:
        bad.append('not a DLL (IMAGE_FILE_DLL clear)')
    if kind == 'exe' and is_dll:
        bad.append('a DLL, expected a program')
    want = ['WSPStartup'] if kind == 'dll' else []
    if exports != want:
        bad.append(f'exports {exports or "nothing"}, expected '
                   f'{want or "nothing"}')
    for dll in imports:
        low = dll.lower()
        if low not in SYSTEM_DLLS and not API_SET.match(low):
            bad.append(f'imports {dll}, which is not a Windows system DLL '
                       f'(it would have to ship beside the binary)')
    for req in required:
        dll, sym = req.split(':', 1)
        got = [d for d, s in imports.items() if sym in s]
        if [d.lower() for d in got] != [dll.lower()]:
            bad.append(f'{sym} imported from {got or "nowhere"}, '
                       f'expected {dll}')
    return bad


def report(bad):
    for b in bad:
        print(f'FAIL: {b}')
    print('FAILED' if bad else 'OK')
    return 1 if bad else 0


def build(d, name, src, args):
    c = os.path.join(d, name + '.c')
    with open(c, 'w') as f:
        f.write(src)
    out = os.path.join(d, name + '.dll')
    r = subprocess.run([CC, '-shared', '-o', out, c] + args,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f'check_pe: cannot build {name}.dll: {r.stderr}')
    return out


def selftest(d):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'good.def'), 'w') as f:
        f.write('LIBRARY good.dll\nEXPORTS\n\tWSPStartup\n')
    good = build(d, 'good',
                 'int WSPStartup(void);\n'
                 'int helper(void);\n'
                 'int helper(void) { return 2; }\n'
                 'int WSPStartup(void) { return helper(); }\n',
                 [os.path.join(d, 'good.def'), '-static-libgcc'])
    # Two exports, and a DLL no Windows has: both must be caught.
    bad = build(d, 'bad',
                '#include <pthread.h>\n'
                '__declspec(dllexport) int WSPStartup(void);\n'
                '__declspec(dllexport) int extra(void);\n'
                'int WSPStartup(void) { return (int)pthread_self(); }\n'
                'int extra(void) { return 1; }\n',
                ['-lwinpthread'])
    fails = []
    if check('dll', good):
        fails.append('a DLL that keeps the rules was refused')
    found = ' | '.join(check('dll', bad))
    if 'exports' not in found:
        fails.append('a second export went unnoticed')
    if 'libwinpthread-1.dll' not in found:
        fails.append('an import of libwinpthread-1.dll went unnoticed')
    if 'WPUCompleteOverlappedRequest' not in ' '.join(
            check('dll', good, ['WS2_32.dll:WPUCompleteOverlappedRequest'])):
        fails.append('a missing required import went unnoticed')
    return report(fails)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('kind', choices=['dll', 'exe', 'selftest'])
    p.add_argument('path')
    p.add_argument('--require-import', action='append', default=[],
                   metavar='DLL:SYMBOL')
    p.add_argument('--build', metavar='SCRIPT')
    a = p.parse_args()
    if a.build:
        out = os.path.dirname(os.path.abspath(a.path))
        if subprocess.run([a.build, out]).returncode != 0:
            print(f'FAIL: {a.build} {out} failed (its output is above)')
            return 1
    if a.kind == 'selftest':
        return selftest(a.path)
    if not os.path.isfile(a.path):
        print(f'FAIL: {a.path} does not exist (the cross build made '
              f'nothing)')
        return 1
    return report(check(a.kind, a.path, a.require_import))


if __name__ == '__main__':
    sys.exit(main())
