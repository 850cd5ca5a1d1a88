#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# check_abi.py: prove that wsp_abi.h's POSIX branch is the Windows x64 ABI.
#
# Modes (each one meson test):
#   match     run wsp_abi_gen (native), check that it covers every name the
#             POSIX branch declares (completeness), add signature checks for
#             every function typedef and prototype, then compile it all with
#             x86_64-w64-mingw32-gcc against the real Winsock headers.
#   negative  the same pipeline must fail when fed a wrong value, a missing
#             check, a wrong signature or a missing mingw name.
#   win32     wsp_abi.h (Windows branch) and wsp_catalog.c build with mingw.
#   glibc     wsp_abi.h builds warning-free with glibc headers before/after.
#
# Completeness is mechanical: the POSIX section is parsed (strictly: an
# unrecognised declaration is an error) into macros, typedefs, struct tags,
# member paths and prototypes.  Every macro, typedef and tag must appear in
# the generated checks, every member path in an offsetof() of its struct.
# In the other direction, names that mingw defines in the families the
# brief requires (WSA* errors, SO_*, XP1_*, PFL_*, FD_*, WSA_FLAG_*, MSG_*)
# must all be defined by wsp_abi.h.

import argparse
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

MINGW_HINT = ('install the Debian package gcc-mingw-w64-x86-64 '
              '(apt-get install gcc-mingw-w64-x86-64)')
BEGIN_RE = re.compile(r'^#else /\* !_WIN32')
END_RE = re.compile(r'^#endif /\* _WIN32 \*/')
# Our own helpers, not Windows names.
OURS_RE = re.compile(r'^(wsp_|_WSP_|WSP_ABI_)')
# mingw name families wsp_abi.h must define completely: (file, regex).
MINGW_FAMILIES = [
    ('psdk_inc/_wsa_errnos.h', r'WSA\w+'),
    ('winsock2.h', r'(SO_|XP1_|PFL_|WSA_FLAG_|FD_)\w+'),
    ('mswsock.h', r'(SO_|MSG_)\w+'),
    ('ws2spi.h', r'WS[SP]\w+'),
]
# A/W selectors that depend on UNICODE: deliberately not re-declared.
MINGW_EXEMPT = {'SO_PROTOCOL_INFO'}
TOKEN_RE = re.compile(r'[A-Za-z_]\w*|0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*'
                      r'|\.\.\.|\S')
IDENT_RE = re.compile(r'^[A-Za-z_]\w*$')
KEYWORDS = {'struct', 'union', 'enum', 'const', 'volatile', 'unsigned',
            'signed', 'int', 'char', 'short', 'long', 'void', 'typedef',
            'static', 'inline', 'extern'}


class AbiError(Exception):
    pass


# --- parsing wsp_abi.h ----------------------------------------------------

class Header:
    def __init__(self):
        self.defines = {}       # name -> replacement text
        self.typedefs = set()
        self.structs = []       # (set of names, [member paths])
        self.fn_typedefs = {}   # name -> declaration tokens
        self.prototypes = {}    # name -> declaration tokens


def posix_section(text):
    lines = text.split('\n')
    begin = [i for i, l in enumerate(lines) if BEGIN_RE.match(l)]
    end = [i for i, l in enumerate(lines) if END_RE.match(l)]
    if len(begin) != 1 or len(end) != 1 or end[0] < begin[0]:
        raise AbiError('cannot find the POSIX section (markers "#else /* '
                       '!_WIN32" and "#endif /* _WIN32 */") in wsp_abi.h')
    return '\n'.join(lines[begin[0] + 1:end[0]])


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def split_top(tokens, sep):
    parts, cur, depth = [], [], 0
    for t in tokens:
        if t in '({[':
            depth += 1
        elif t in ')}]':
            depth -= 1
        if t == sep and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        parts.append(cur)
    return parts


def matching(tokens, i):
    """Index of the bracket closing the one at tokens[i]."""
    pairs = {'{': '}', '(': ')', '[': ']'}
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j] == tokens[i]:
            depth += 1
        elif tokens[j] == pairs[tokens[i]]:
            depth -= 1
            if depth == 0:
                return j
    raise AbiError('unbalanced %s in: %s' % (tokens[i], ' '.join(tokens)))


def declarator_name(part):
    """Name declared by one declarator: 'x', '*x', 'x[8]', 'a, b'..."""
    if '[' in part:
        part = part[:part.index('[')]
    idents = [t for t in part if IDENT_RE.match(t) and t not in KEYWORDS]
    if not idents:
        raise AbiError('no name in declarator: %s' % ' '.join(part))
    return idents[-1]


def parse_members(body, prefix, out):
    for decl in split_top(body, ';'):
        if not decl:
            continue
        if '{' in decl:
            i = decl.index('{')
            j = matching(decl, i)
            rest = decl[j + 1:]
            if rest:
                name = declarator_name(rest)
                out.append(prefix + name)
                parse_members(decl[i + 1:j], prefix + name + '.', out)
            else:   # anonymous struct/union: members belong to the parent
                parse_members(decl[i + 1:j], prefix, out)
            continue
        for part in split_top(decl, ','):
            out.append(prefix + declarator_name(part))


def parse_decl(decl, hdr):
    if decl[0] == 'typedef':
        if '{' in decl:
            i = decl.index('{')
            j = matching(decl, i)
            names = set()
            if i == 3:
                names.add('%s %s' % (decl[1], decl[2]))
            members = []
            parse_members(decl[i + 1:j], '', members)
            for part in split_top(decl[j + 1:], ','):
                name = declarator_name(part)
                hdr.typedefs.add(name)
                if '*' not in part:
                    names.add(name)
            hdr.structs.append((names, members))
        elif '(' in decl:
            i = decl.index('(')
            inner = decl[i + 1:matching(decl, i)]
            if '*' not in inner:
                raise AbiError('unsupported typedef: %s' % ' '.join(decl))
            name = inner[inner.index('*') + 1]
            hdr.typedefs.add(name)
            hdr.fn_typedefs[name] = decl
        else:
            for part in split_top(decl[1:], ','):
                hdr.typedefs.add(declarator_name(part))
    elif decl[0] in ('struct', 'union') and '{' in decl:
        i = decl.index('{')
        j = matching(decl, i)
        if i != 2 or decl[j + 1:]:
            raise AbiError('unsupported declaration: %s' % ' '.join(decl))
        members = []
        parse_members(decl[i + 1:j], '', members)
        hdr.structs.append(({'%s %s' % (decl[0], decl[1])}, members))
    elif '(' in decl:
        name = decl[decl.index('(') - 1]
        if 'static' not in decl:
            hdr.prototypes[name] = decl
    else:
        raise AbiError('unrecognised declaration: %s' % ' '.join(decl))


def parse_header(text):
    text = posix_section(text).replace('\\\n', ' ')
    text = strip_comments(text)
    hdr = Header()
    code = []
    for line in text.split('\n'):
        s = line.strip()
        if s.startswith('#'):
            m = re.match(r'#\s*define\s+(\w+)(\(?)\s*(.*)', s)
            if m and not OURS_RE.match(m.group(1)):
                hdr.defines[m.group(1)] = m.group(3)
            continue
        code.append(line)
    tokens = TOKEN_RE.findall('\n'.join(code))
    i, start = 0, 0
    while i < len(tokens):
        t = tokens[i]
        if t == '{' and i > 0 and tokens[i - 1] == ')':
            # A function definition: only our static inline helpers
            # (behind a macro such as htons) may have one.
            head = tokens[start:i]
            name = head[head.index('(') - 1]
            if not OURS_RE.match(name):
                raise AbiError('function %s defined in the POSIX section: '
                               'name it wsp_%s and #define %s to it'
                               % (name, name, name))
            i = matching(tokens, i) + 1
            start = i
            continue
        if t in '({[':
            i = matching(tokens, i) + 1
            continue
        if t == ';':
            parse_decl(tokens[start:i], hdr)
            start = i + 1
        i += 1
    if start != len(tokens):
        raise AbiError('trailing tokens: %s' % ' '.join(tokens[start:]))
    return hdr


# --- checks ---------------------------------------------------------------

def code_only(c_text):
    """C text without string literals and comments."""
    c_text = re.sub(r'"(\\.|[^"\\])*"', '""', c_text)
    return strip_comments(c_text)


def completeness(hdr, gen_text):
    code = code_only(gen_text)
    idents = set(re.findall(r'[A-Za-z_]\w*', code))
    offs = set()
    for t, m in re.findall(r'offsetof\(\s*((?:struct\s+|union\s+)?\w+)\s*,'
                           r'\s*([\w.]+)\s*\)', code):
        offs.add((re.sub(r'\s+', ' ', t), m))
    missing = []
    for name in sorted(hdr.defines):
        if name not in idents:
            missing.append('macro %s' % name)
    for name in sorted(hdr.typedefs - set(hdr.fn_typedefs)):
        if name not in idents:
            missing.append('typedef %s' % name)
    for names, members in hdr.structs:
        label = sorted(names, key=lambda n: (' ' in n, n))[0]
        for n in names:
            if ' ' in n and not re.search(r'\b%s\b' % re.escape(n).replace(
                    r'\ ', r'\s+'), code):
                missing.append('sizeof(%s)' % n)
        for m in members:
            if not any((n, m) in offs for n in names):
                missing.append('offsetof(%s, %s)' % (label, m))
    return ['not checked by wsp_abi_gen.c: %s' % m for m in missing]


def mingw_names(include_dir):
    names = set()
    for rel, pat in MINGW_FAMILIES:
        with open(os.path.join(include_dir, rel)) as f:
            for m in re.finditer(r'^\s*#\s*define\s+(%s)\b' % pat, f.read(),
                                 re.M):
                names.add(m.group(1))
    return names - MINGW_EXEMPT


def reverse_completeness(hdr, include_dir):
    return ['defined by mingw but not by wsp_abi.h: %s' % n
            for n in sorted(mingw_names(include_dir) - set(hdr.defines))]


def signature_checks(hdr):
    """C lines (with descriptions) comparing function types with mingw's."""
    lines = []
    for name, decl in sorted(hdr.fn_typedefs.items()):
        toks = list(decl)
        toks[toks.index(name)] = 'wsp_chk_' + name
        what = 'ABI signature of %s native=1' % name
        lines.append((' '.join(toks) + ';', what))
        lines.append(('_Static_assert(_Generic((wsp_chk_%s)0, %s: 1, '
                      'default: 0), "%s");' % (name, name, what), what))
    for name, decl in sorted(hdr.prototypes.items()):
        lines.append((' '.join(decl) + ';',
                      'ABI prototype of %s native=1' % name))
    return lines


def write_check_file(path, gen_text, extra):
    """Write the mingw TU; return {line number: description}."""
    desc = {}
    out = []
    for line in gen_text.rstrip('\n').split('\n'):
        out.append(line)
        m = re.search(r'"(ABI [^"]*)"', line)
        if m:
            desc[len(out)] = m.group(1)
    for line, what in extra:
        out.append(line)
        desc[len(out)] = what
    with open(path, 'w') as f:
        f.write('\n'.join(out) + '\n')
    return desc


def run(cmd):
    # LC_ALL=C: plain quotes in diagnostics, which the parsing relies on.
    env = dict(os.environ, LC_ALL='C')
    return subprocess.run(cmd, stdout=subprocess.PIPE, env=env,
                          stderr=subprocess.STDOUT, text=True)


def probe(mingw, tmp, expr):
    """mingw's value of an integer expression, or None."""
    src = os.path.join(tmp, 'probe.c')
    with open(src, 'w') as f:
        f.write('#include <winsock2.h>\n#include <ws2tcpip.h>\n'
                '#include <ws2spi.h>\n#include <mswsock.h>\n'
                '#include <mstcpip.h>\n#include <stddef.h>\n'
                '#include <stdalign.h>\n'
                'char (*wsp_pa)[(%s) >= 0 ? (%s) + 1 : 1] = 1;\n'
                'char (*wsp_pb)[(%s) < 0 ? -(%s) + 1 : 1] = 1;\n'
                % ((expr,) * 4))
    res = run([mingw, '-std=c11', '-fsyntax-only', src])
    sizes = [int(n) for n in re.findall(r"'char \(\*\)\[(\d+)\]'", res.stdout)]
    if len(sizes) != 2 or 'error:' in res.stdout:
        return None
    return sizes[0] - 1 if sizes[0] > 1 else -(sizes[1] - 1)


def mingw_compile(mingw, tmp, gen_text, hdr, with_probe=True):
    """Compile the checks with mingw; return a list of mismatches."""
    path = os.path.join(tmp, 'abi_check.c')
    desc = write_check_file(path, gen_text, signature_checks(hdr))
    res = run([mingw, '-std=c11', '-fsyntax-only', path])
    problems = []
    for m in re.finditer(r'^[^:\n]*abi_check\.c:(\d+):\d+: error: (.*)$',
                         res.stdout, re.M):
        what = desc.get(int(m.group(1)), 'line %s: %s' % m.groups())
        d = re.match(r'ABI (.*) native=(.*)', what)
        if d:
            msg = 'MISMATCH %s: wsp_abi.h has %s' % d.groups()
            val = probe(mingw, tmp, d.group(1)) if with_probe else None
            if val is not None:
                msg += ', mingw has %d' % val
        else:
            msg = 'MISMATCH %s' % what
        if msg not in problems:
            problems.append(msg)
    if res.returncode != 0 and not problems:
        problems.append('mingw failed on %s:\n%s' % (path, res.stdout))
    return problems


def generate(gen):
    res = subprocess.run([gen], stdout=subprocess.PIPE, text=True)
    if res.returncode != 0:
        raise AbiError('%s failed (%d)' % (gen, res.returncode))
    return res.stdout


def check_all(args, tmp, hdr, gen_text, with_probe=True):
    problems = completeness(hdr, gen_text)
    problems += reverse_completeness(hdr, args.mingw_include)
    problems += mingw_compile(args.mingw_cc, tmp, gen_text, hdr, with_probe)
    return problems


# --- modes ----------------------------------------------------------------

def mode_match(args, tmp):
    with open(args.header) as f:
        hdr = parse_header(f.read())
    gen_text = generate(args.gen)
    problems = check_all(args, tmp, hdr, gen_text)
    for p in problems:
        print(p)
    nchecks = gen_text.count('_Static_assert') + len(signature_checks(hdr))
    print('%d macros, %d typedefs, %d structs (%d members), %d function '
          'types checked with %d asserts: %s'
          % (len(hdr.defines), len(hdr.typedefs), len(hdr.structs),
             sum(len(m) for _, m in hdr.structs),
             len(hdr.fn_typedefs) + len(hdr.prototypes), nchecks,
             'FAIL' if problems else 'ok'))
    return 1 if problems else 0


def mode_negative(args, tmp):
    with open(args.header) as f:
        text = f.read()
    hdr = parse_header(text)
    gen_text = generate(args.gen)
    if check_all(args, tmp, hdr, gen_text, False):
        print('FAIL: the unmodified checks do not pass; run the match test')
        return 1
    cases = []
    # 1. A wrong value on one generated line.
    bad = re.sub(r'sizeof\(WSPPROC_TABLE\) == 240', 'sizeof(WSPPROC_TABLE) '
                 '== 248', gen_text, count=1)
    cases.append(('wrong size', hdr, bad, 'sizeof(WSPPROC_TABLE)'))
    # 2. A member nobody checks.
    bad = '\n'.join(l for l in gen_text.split('\n')
                    if 'offsetof(WSABUF, buf)' not in l)
    cases.append(('missing member check', hdr, bad, 'WSABUF, buf'))
    # 3. A function typedef whose signature differs from mingw's.
    hdr_sig = parse_header(text.replace(
        'typedef int (WSPAPI *LPWSPLISTEN)(SOCKET s, int backlog',
        'typedef int (WSPAPI *LPWSPLISTEN)(SOCKET s, LONG backlog'))
    cases.append(('wrong signature', hdr_sig, gen_text, 'LPWSPLISTEN'))
    # 4. A mingw error code wsp_abi.h forgot, and its check with it.
    hdr_rev = parse_header(re.sub(r'#define WSAEDISCON\b.*', '', text))
    bad = '\n'.join(l for l in gen_text.split('\n') if 'WSAEDISCON' not in l)
    cases.append(('missing mingw name', hdr_rev, bad, 'WSAEDISCON'))
    failed = 0
    for what, h, g, needle in cases:
        problems = check_all(args, tmp, h, g, False)
        hit = [p for p in problems if needle in p]
        print('%s: %s' % (what, hit[0] if hit else 'NOT DETECTED'))
        if not hit:
            failed += 1
    return 1 if failed else 0


def mode_win32(args, tmp):
    src = os.path.join(tmp, 'win32_tu.c')
    with open(src, 'w') as f:
        f.write('#include "wsp_abi.h"\n#include "wsp_catalog.h"\n'
                '_Static_assert(sizeof(WSPPROC_TABLE) == 240, "table");\n'
                '_Static_assert(sizeof(WSPUPCALLTABLE) == 120, "upcalls");\n')
    inc = '-I' + os.path.dirname(os.path.abspath(args.header))
    flags = ['-std=c11', '-Wall', '-Wextra', '-Werror', inc]
    failed = 0
    for f in (src, args.catalog):
        res = run([args.mingw_cc] + flags + ['-c', f, '-o',
                                             os.path.join(tmp, 'x.o')])
        print('%s %s' % ('ok  ' if res.returncode == 0 else 'FAIL', f))
        if res.returncode != 0:
            print(res.stdout)
            failed += 1
    return 1 if failed else 0


GLIBC_HEADERS = ['stdlib.h', 'stdio.h', 'string.h', 'pthread.h',
                 'sys/types.h', 'time.h']
GLIBC_BODY = r'''
_Static_assert(sizeof(fd_set) == 520 && FD_SETSIZE == 64, "fd_set");
_Static_assert(sizeof(struct timeval) == 8, "timeval");
_Static_assert(sizeof(u_long) == 4 && sizeof(SOCKET) == 8, "u_long");
_Static_assert(sizeof(struct sockaddr_in) == 16, "sockaddr_in");
_Static_assert(sizeof(struct in_addr) == 4, "in_addr");
_Static_assert(sizeof(struct linger) == 4, "linger");
_Static_assert(sizeof(struct sockaddr_storage) == 128, "storage");
_Static_assert(sizeof(struct ip_mreq_source) == 12, "ip_mreq_source");
int wsp_abi_use(fd_set *s, struct timeval *tv);
int
wsp_abi_use(fd_set *s, struct timeval *tv)
{
	FD_ZERO(s);
	FD_SET((SOCKET)8, s);
	FD_CLR((SOCKET)8, s);
	tv->tv_sec = 1;
	return FD_ISSET((SOCKET)8, s) + (int)htons(1) + (int)ntohl(2);
}
'''


def glibc_orders():
    hs = GLIBC_HEADERS
    yield [], []
    for h in hs:
        yield [h], []
        yield [], [h]
    yield hs, []
    yield [], hs
    yield hs[::-1], []
    yield [], hs[::-1]
    yield hs[:3], hs[3:]
    yield hs[3:], hs[:3]


def mode_glibc(args, tmp):
    cc = shlex.split(args.cc)
    inc = '-I' + os.path.dirname(os.path.abspath(args.header))
    warn = ['-std=c11', '-Wall', '-Wextra', '-Wshadow', '-Wstrict-prototypes',
            '-Wmissing-prototypes', '-Werror', '-fsyntax-only', inc]
    src = os.path.join(tmp, 'glibc_tu.c')
    failed = 0
    n = 0
    for gnu, (before, after) in itertools.product(
            (['-D_GNU_SOURCE'], []), glibc_orders()):
        with open(src, 'w') as f:
            f.write(''.join('#include <%s>\n' % h for h in before))
            f.write('#include "wsp_abi.h"\n')
            f.write(''.join('#include <%s>\n' % h for h in after))
            f.write(GLIBC_BODY)
        res = run(cc + warn + gnu + [src])
        n += 1
        if res.returncode != 0:
            failed += 1
            print('FAIL %s before=%s after=%s\n%s'
                  % (' '.join(gnu), before, after, res.stdout))
    # A BSD socket header first must be refused, not silently mixed.
    with open(src, 'w') as f:
        f.write('#include <sys/socket.h>\n#include "wsp_abi.h"\n')
    res = run(cc + warn + ['-D_GNU_SOURCE', src])
    if res.returncode == 0 or 'no BSD socket headers' not in res.stdout:
        failed += 1
        print('FAIL: <sys/socket.h> before wsp_abi.h was not refused')
    print('%d include orders compiled with -Werror, %d failed'
          % (n + 1, failed))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('mode', choices=['match', 'negative', 'win32', 'glibc'])
    ap.add_argument('--header', required=True)
    ap.add_argument('--gen')
    ap.add_argument('--catalog')
    ap.add_argument('--cc', default='cc')
    ap.add_argument('--mingw-cc', default='x86_64-w64-mingw32-gcc')
    ap.add_argument('--mingw-include', default='/usr/share/mingw-w64/include')
    args = ap.parse_args()
    if args.mode != 'glibc':
        found = shutil.which(args.mingw_cc)
        if found is None or not os.path.isdir(args.mingw_include):
            print('FAIL: %s (or %s) not found: %s'
                  % (args.mingw_cc, args.mingw_include, MINGW_HINT))
            return 1
        args.mingw_cc = found
    with tempfile.TemporaryDirectory(prefix='wsp_abi_') as tmp:
        try:
            return {'match': mode_match, 'negative': mode_negative,
                    'win32': mode_win32, 'glibc': mode_glibc}[args.mode](
                        args, tmp)
        except AbiError as e:
            print('FAIL: %s' % e)
            return 1


if __name__ == '__main__':
    sys.exit(main())
