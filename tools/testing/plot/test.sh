#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# tools/plot.sh against fixtures/watch.samples: the watermark plot's data
# and SVG hold each kswapd mark of the samples, on its side's panel, and
# nothing else; samples without marks still plot. Prints TAP; exits 1 on
# any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
plot=$here/../../plot.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0 fails=0

ok()
{
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fails=$((fails + 1))
	fi
}

# "KEY MARKS" per legend entry of the watermark SVG, panel by panel: each
# kswapd key and the triangles drawn with it, less the one in the key.
svg_marks()
{
	python3 - "$1" <<'PY'
import re, sys
svg = open(sys.argv[1]).read()
for block in svg.split('<g id="gnuplot_plot_')[1:]:
    key = re.search(r"<text>(kswapd\d+ (?:wake|sleep))</text>", block)
    if key:
        pts = len(re.findall(r"xlink:href='#gpPt(?:8|10)'", block))
        print(key.group(1), pts - 1)
    panel = re.search(r"<text>(twin|kernel) \(", block)
    if panel:
        print("panel", panel.group(1))
PY
}

# Vertical lines per panel that span most of its height: the impulses
# ("M x,y0 L x,y1", one x; the axes' tics are short).
svg_lines()
{
	python3 - "$1" <<'PY'
import re, sys
svg = open(sys.argv[1]).read()
n = 0
for block in svg.split('<g id="gnuplot_plot_')[1:]:
    for d in re.findall(r"d='([^']*)'", block):
        segs = re.findall(r"M([\d.]+),([\d.]+) L([\d.]+),([\d.]+)", d)
        if segs and all(s[0] == s[2] and abs(float(s[1]) - float(s[3])) > 200 for s in segs) \
                and len(segs) * 2 == len(re.findall(r"[ML]", d)):
            n += len(segs)
    if re.search(r"<text>(twin|kernel) \(", block):
        print(n)
        n = 0
PY
}

echo "TAP version 13"
if ! command -v gnuplot >/dev/null; then
	echo "1..0 # SKIP gnuplot is missing (apt-get install gnuplot-nox)"
	exit 1
fi

# 1. The fixture: the four plots, and each side's marks as data.
"$plot" "$here/fixtures/watch.samples" "$work/out" >"$work/paths" 2>"$work/err"
rc=$?
[ $rc = 0 ] && [ "$(wc -l <"$work/paths")" = 4 ] && [ ! -s "$work/err" ] &&
	for f in $(cat "$work/paths"); do [ -s "$f" ] || exit 1; done
ok $? "plots the fixture: four files, nothing on stderr"
cat >"$work/want-twin" <<'DAT'
0.712 1 wake
0.950 1 sleep
1.210 0 wake
1.300 0 wake
1.400 1 wake
2.150 0 sleep
2.200 1 sleep
DAT
cat >"$work/want-kernel" <<'DAT'
0.955 1 wake
2.380 1 sleep
2.390 0 wake
DAT
for side in twin kernel; do
	diff -u "$work/want-$side" "$work/out/data/kswapd-$side.dat"
	ok $? "data/kswapd-$side.dat: the $side's wake and sleep marks, bad mark lines left out"
done

# 2. The SVG: each side's panel keys its kswapd marks, one triangle (and
# one vertical line) per mark; the twin's panel is drawn first.
svg_marks "$work/out/watermarks.svg" >"$work/keys"
cat >"$work/want-keys" <<'KEYS'
kswapd0 wake 2
kswapd0 sleep 1
kswapd1 wake 2
kswapd1 sleep 2
panel twin
kswapd0 wake 1
kswapd1 wake 1
kswapd1 sleep 1
panel kernel
KEYS
diff -u "$work/want-keys" "$work/keys"
ok $? "watermarks.svg: a key and a triangle per mark, on its side's panel"
[ "$(svg_lines "$work/out/watermarks.svg" | tr '\n' ' ')" = "7 3 " ]
ok $? "watermarks.svg: a vertical line per mark (7 twin, 3 kernel)"
[ -s "$work/out/watermarks.png" ] && [ "$(head -c 4 "$work/out/watermarks.png" | od -An -c | tr -d ' ')" = "211PNG" ]
ok $? "watermarks.png is a PNG"

# 3. Without marks: the same plot, no kswapd key, empty mark data.
grep -v '^# mark ' "$here/fixtures/watch.samples" >"$work/nomarks.samples"
"$plot" "$work/nomarks.samples" "$work/none" >/dev/null 2>"$work/err"
rc=$?
[ $rc = 0 ] && [ ! -s "$work/err" ] && ! grep -q 'kswapd[0-9]' "$work/none/watermarks.svg" &&
	[ ! -s "$work/none/data/kswapd-twin.dat" ] && [ ! -s "$work/none/data/kswapd-kernel.dat" ]
ok $? "samples without marks: plotted, no kswapd key, no mark data"

# 4. Samples without the twin are refused.
grep -v ' twin ' "$here/fixtures/watch.samples" >"$work/notwin.samples"
"$plot" "$work/notwin.samples" "$work/notwin" >/dev/null 2>"$work/err"
[ $? = 1 ] && grep -q 'no twin samples' "$work/err"
ok $? "samples without the twin: exit 1, said why"

echo "1..$n"
[ $fails = 0 ]
